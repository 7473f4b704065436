package dev.twofa.app;

import dev.twofa.app.TwoFactorException.WrongState;
import dev.twofa.domain.account.Account;
import dev.twofa.port.TwoFactorStore;
import java.time.Clock;
import java.time.Instant;

/**
 * Turns the authenticator app off. OWASP MFA cheat sheet: ask for the second factor again first,
 * then delete the secret and every recovery code, and tell the user by email.
 */
public final class DisableTotp {
    private final TwoFactorStore store;
    private final CodeVerifier verifier;
    private final Notifications notifications;
    private final SecurityEvents events;
    private final Clock clock;

    public DisableTotp(
            TwoFactorStore store,
            CodeVerifier verifier,
            Notifications notifications,
            SecurityEvents events,
            Clock clock) {
        this.store = store;
        this.verifier = verifier;
        this.notifications = notifications;
        this.events = events;
        this.clock = clock;
    }

    public void disable(Principal principal, Credential credential) {
        Instant now = clock.instant();
        String userId = principal.userId();
        Account account = store.findAccount(userId).orElse(Account.empty(userId));
        OrgPolicies.ensureMayRemove(store, principal, account.smsEnabled());
        verifier.verify(principal, account, credential, now);
        if (!store.disableTotp(userId)) {
            throw new WrongState("the authenticator app is not enabled");
        }
        events.record(SecurityEvent.of(principal, "totp_disabled", CodeVerifier.TOTP, now));
        notifications.totpDisabled(userId, principal.emailOr(account.email()));
    }
}
