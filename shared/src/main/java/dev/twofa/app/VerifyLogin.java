package dev.twofa.app;

import dev.twofa.domain.account.Account;
import dev.twofa.port.TwoFactorStore;
import java.time.Clock;
import java.time.Instant;

/** The sign-in step after the password: one code from the app, or one recovery code. */
public final class VerifyLogin {
    private final TwoFactorStore store;
    private final CodeVerifier verifier;
    private final Notifications notifications;
    private final Clock clock;

    public VerifyLogin(TwoFactorStore store, CodeVerifier verifier, Notifications notifications, Clock clock) {
        this.store = store;
        this.verifier = verifier;
        this.notifications = notifications;
        this.clock = clock;
    }

    public VerifiedMethod verify(Principal principal, Credential credential) {
        Instant now = clock.instant();
        String userId = principal.userId();
        Account account = store.findAccount(userId).orElse(Account.empty(userId));
        VerifiedMethod method = verifier.verify(account, credential, now);
        if (method == VerifiedMethod.RECOVERY) {
            notifications.recoveryCodeUsed(
                    userId, principal.emailOr(account.email()), store.countRecoveryCodes(userId));
        }
        return method;
    }
}
