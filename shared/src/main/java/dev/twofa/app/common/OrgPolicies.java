package dev.twofa.app.common;

import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException.WrongState;
import dev.twofa.domain.account.OrgPolicy;
import dev.twofa.port.TwoFactorStore;

/** Reads the caller's organisation policy (from the JWT's organisation claim). */
public final class OrgPolicies {
    private OrgPolicies() {}

    public static boolean mfaRequired(TwoFactorStore store, Principal principal) {
        return principal
                .organisation()
                .flatMap(store::findOrgPolicy)
                .map(OrgPolicy::mfaRequired)
                .orElse(false);
    }

    /**
     * Refuses turning off the last factor while the organisation requires one.
     *
     * @return whether the removal must stay conditional on the other factor still being on (two
     *     parallel removals must not leave none)
     */
    public static boolean ensureMayRemove(TwoFactorStore store, Principal principal, boolean otherFactorRemains) {
        if (!mfaRequired(store, principal)) {
            return false;
        }
        if (!otherFactorRemains) {
            throw new WrongState("your organisation requires two-factor authentication; add another method"
                    + " before turning this one off");
        }
        return true;
    }
}
