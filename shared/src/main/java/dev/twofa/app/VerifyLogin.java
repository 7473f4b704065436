package dev.twofa.app;

import dev.twofa.domain.account.Account;
import dev.twofa.port.TwoFactorStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The sign-in step after the password: one code from the app, or one recovery code. Answers a
 * signed assertion of the result for the app's backend.
 */
public final class VerifyLogin {
    /** From this many left, the user is urged to generate new recovery codes. */
    static final int LOW_RECOVERY_CODES = 2;

    private final TwoFactorStore store;
    private final CodeVerifier verifier;
    private final Notifications notifications;
    private final AssertionIssuer assertions;
    private final Clock clock;

    public VerifyLogin(
            TwoFactorStore store,
            CodeVerifier verifier,
            Notifications notifications,
            AssertionIssuer assertions,
            Clock clock) {
        this.store = store;
        this.verifier = verifier;
        this.notifications = notifications;
        this.assertions = assertions;
        this.clock = clock;
    }

    public record Verified(VerifiedMethod method, String assertion) {}

    /** @param nonce the relying backend's value for this sign-in, put into the assertion */
    public Verified verify(Principal principal, Credential credential, Optional<String> nonce) {
        Instant now = clock.instant();
        String userId = principal.userId();
        Account account = store.findAccount(userId).orElse(Account.empty(userId));
        // The verifier spends the code and writes verify_succeeded in one transaction (and logs it).
        CodeVerifier.Passed passed = verifier.signIn(principal, account, credential, now);
        VerifiedMethod method = passed.method();
        if (passed.recoveryCodesLeft().isPresent()) {
            int remaining = passed.recoveryCodesLeft().getAsInt();
            Recipients to = Recipients.of(principal, account);
            notifications.recoveryCodeUsed(to, remaining);
            if (remaining <= LOW_RECOVERY_CODES) {
                notifications.recoveryCodesLow(to, remaining);
            }
        }
        return new Verified(method, assertions.issue(principal, method.apiName(), now, nonce));
    }
}
