package dev.twofa.app;

import dev.twofa.app.Credential.SignInAssertion;
import dev.twofa.app.TwoFactorException.StepUpRequired;
import dev.twofa.domain.account.Account;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * No factor change with the password alone (OWASP MFA cheat sheet; NIST SP 800-63B §6.1.2.1):
 * while an account has any factor on, adding, replacing or removing one, or its recovery codes,
 * needs a proof of a factor it already has. The first factor of an account with none needs none.
 * A proof is checked like a sign-in code, through the same lockout.
 */
public final class StepUp {
    /** The body fields that can carry a proof, in the order the API documents them. */
    public static final List<String> WITH_AUTHENTICATOR = List.of("code", "recoveryCode", "assertion");
    /** SMS-only accounts prove with the assertion of an SMS sign-in. */
    public static final List<String> WITHOUT_AUTHENTICATOR = List.of("assertion");

    private final CodeVerifier verifier;

    public StepUp(CodeVerifier verifier) {
        this.verifier = verifier;
    }

    /**
     * Checks and spends the proof when the account needs one.
     *
     * @return whether a proof of an existing factor was given (false: the account had no factor)
     * @throws StepUpRequired when a proof is needed and none of an accepted kind was sent
     */
    public boolean require(Principal principal, Account account, Optional<Credential> proof, Instant now) {
        if (!account.hasAnyFactor()) {
            return false;
        }
        List<String> accepted = acceptedProofs(account);
        Credential given = proof.orElseThrow(() -> new StepUpRequired(accepted));
        if (!account.totpEnabled() && !(given instanceof SignInAssertion)) {
            throw new StepUpRequired(accepted);
        }
        verifier.verify(principal, account, given, now);
        return true;
    }

    public static List<String> acceptedProofs(Account account) {
        return account.totpEnabled() ? WITH_AUTHENTICATOR : WITHOUT_AUTHENTICATOR;
    }
}
