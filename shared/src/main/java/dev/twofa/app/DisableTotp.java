package dev.twofa.app;

import dev.twofa.app.api.Credential;
import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException.WrongState;
import dev.twofa.app.common.CodeVerifier;
import dev.twofa.app.common.Factors;
import dev.twofa.app.common.Notifications;
import dev.twofa.app.common.OrgPolicies;
import dev.twofa.app.common.Recipients;
import dev.twofa.app.common.StepUp;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.TwoFactorStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns the authenticator app off. OWASP MFA cheat sheet: ask for the second factor again first
 * (a code, a recovery code or a fresh sign-in assertion), then delete the secret and every recovery
 * code, and tell the user by email.
 */
public final class DisableTotp {
    private final TwoFactorStore store;
    private final StepUp stepUp;
    private final Notifications notifications;
    private final SecurityEvents events;
    private final Clock clock;

    public DisableTotp(
            TwoFactorStore store, StepUp stepUp, Notifications notifications, SecurityEvents events, Clock clock) {
        this.store = store;
        this.stepUp = stepUp;
        this.notifications = notifications;
        this.events = events;
        this.clock = clock;
    }

    public void disable(Principal principal, Optional<Credential> proof) {
        Instant now = clock.instant();
        String userId = principal.userId();
        Account account = store.findAccount(userId).orElse(Account.empty(userId));
        if (!account.totpEnabled()) {
            throw new WrongState("the authenticator app is not enabled");
        }
        boolean mustKeepAnother =
                OrgPolicies.ensureMayRemove(store, principal, account.smsEnabled() || account.webauthnEnabled());
        CodeVerifier.Proof checked = stepUp.check(principal, account, proof, now);
        // Commit last: the proof is spent in the transaction that removes the factor, with the audit
        // items; a fault (503) or a refusal leaves the factor on and the proof usable.
        List<SecurityEvent> audit = new ArrayList<>(stepUp.spendEvents(principal, checked, now));
        audit.add(principal.event("totp_disabled", Factors.TOTP, now));
        if (!store.disableTotp(userId, mustKeepAnother, checked.spend(), now, audit)) {
            throw stepUp.refused(principal, account, checked, now, current -> {
                if (!current.totpEnabled()) {
                    return Optional.of(new WrongState("the authenticator app is not enabled"));
                }
                return mustKeepAnother && !current.smsEnabled() && !current.webauthnEnabled()
                        ? Optional.of(new WrongState("your organisation requires two-factor authentication"
                                + " and SMS was turned off meanwhile"))
                        : Optional.empty();
            });
        }
        audit.forEach(events::committed);
        // After the commit, best effort (Notifications): the factor is off whether or not it goes out.
        notifications.totpDisabled(Recipients.of(principal, account));
    }
}
