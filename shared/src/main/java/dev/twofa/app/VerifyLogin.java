package dev.twofa.app;

import dev.twofa.app.api.Credential;
import dev.twofa.app.api.DeviceProof;
import dev.twofa.app.api.Principal;
import dev.twofa.app.common.AssertionIssuer;
import dev.twofa.app.common.CodeVerifier;
import dev.twofa.app.common.DeviceSignIn;
import dev.twofa.app.common.Notifications;
import dev.twofa.app.common.Recipients;
import dev.twofa.app.common.VerifiedMethod;
import dev.twofa.app.common.WebAuthnSignIn;
import dev.twofa.domain.account.Account;
import dev.twofa.port.TwoFactorStore;
import dev.twofa.port.WebAuthnVerifier;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The sign-in step after the password: one code from the app, one recovery code, or a remembered
 * device's signature of its challenge. Answers a signed assertion of the result for the app's backend.
 */
public final class VerifyLogin {
    /** From this many left, the user is urged to generate new recovery codes. */
    static final int LOW_RECOVERY_CODES = 2;

    private final TwoFactorStore store;
    private final CodeVerifier verifier;
    private final Notifications notifications;
    private final AssertionIssuer assertions;
    private final Clock clock;
    private final DeviceSignIn devices;
    private final WebAuthnSignIn webauthn;

    public VerifyLogin(
            TwoFactorStore store,
            CodeVerifier verifier,
            Notifications notifications,
            AssertionIssuer assertions,
            Clock clock,
            DeviceSignIn devices,
            WebAuthnSignIn webauthn) {
        this.devices = devices;
        this.webauthn = webauthn;
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
        // Commit last: the assertion is signed (KMS Sign can fail) after the code checked right and
        // before the transaction that spends it with its verify_succeeded item, so a 503 spends nothing.
        CodeVerifier.SignedIn<String> signedIn = verifier.signIn(
                principal,
                account,
                credential,
                now,
                method -> assertions.issue(principal, method.apiName(), now, nonce));
        CodeVerifier.Proof passed = signedIn.proof();
        if (passed.recoveryCodesLeft().isPresent()) {
            // After the commit, best effort (Notifications): a failed notice never undoes a sign-in.
            int remaining = passed.recoveryCodesLeft().getAsInt();
            Recipients to = Recipients.of(principal, account);
            notifications.recoveryCodeUsed(to, remaining);
            if (remaining <= LOW_RECOVERY_CODES) {
                notifications.recoveryCodesLow(to, remaining);
            }
        }
        return new Verified(passed.method(), signedIn.prepared());
    }

    /**
     * A remembered device's sign-in: it signed the current device challenge. The assertion says so
     * ({@code amr: ["swk"]}, {@code remembered_device: true}); the relying backend decides whether
     * that is enough, and the assertion is never a step-up proof.
     */
    public Verified verifyDevice(Principal principal, DeviceProof proof, Optional<String> nonce) {
        Instant now = clock.instant();
        Account account = store.findAccount(principal.userId()).orElse(Account.empty(principal.userId()));
        String assertion = devices.signIn(
                principal,
                account,
                proof,
                now,
                () -> assertions.issue(principal, VerifiedMethod.DEVICE.apiName(), now, nonce));
        return new Verified(VerifiedMethod.DEVICE, assertion);
    }

    /**
     * A sign-in with a security key or passkey: it signed the current authentication challenge. The
     * assertion says {@code amr: ["hwk"]}, plus {@code "user"} when the authenticator verified the user.
     */
    public Verified verifyWebAuthn(
            Principal principal, WebAuthnVerifier.Authentication response, Optional<String> nonce) {
        Instant now = clock.instant();
        Account account = store.findAccount(principal.userId()).orElse(Account.empty(principal.userId()));
        String assertion = webauthn.signIn(
                principal,
                account,
                response,
                now,
                userVerified -> assertions.issueWebAuthn(principal, userVerified, now, nonce));
        return new Verified(VerifiedMethod.WEBAUTHN, assertion);
    }
}
