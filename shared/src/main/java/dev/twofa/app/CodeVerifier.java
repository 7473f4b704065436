package dev.twofa.app;

import dev.twofa.app.Credential.RecoveryCode;
import dev.twofa.app.Credential.TotpCode;
import dev.twofa.app.TwoFactorException.WrongState;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.account.TotpFactor;
import dev.twofa.domain.otp.Totp;
import dev.twofa.domain.otp.TotpCheck;
import dev.twofa.domain.recovery.RecoveryCodes;
import dev.twofa.port.SecretCipher;
import dev.twofa.port.SecretContext;
import dev.twofa.port.TwoFactorStore;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * Checks a code or recovery code of an enrolled user and spends it. Shared by sign-in and by
 * disabling (OWASP: a second factor is required again before MFA is turned off).
 */
public final class CodeVerifier {
    private final TwoFactorStore store;
    private final SecretCipher cipher;
    private final AttemptGuard guard;
    private final SecurityEvents events;
    private final Totp totp;

    public CodeVerifier(
            TwoFactorStore store, SecretCipher cipher, AttemptGuard guard, SecurityEvents events, Totp totp) {
        this.store = store;
        this.cipher = cipher;
        this.guard = guard;
        this.events = events;
        this.totp = totp;
    }

    public VerifiedMethod verify(Account account, Credential credential, Instant now) {
        TotpFactor factor =
                account.totpFactor().orElseThrow(() -> new WrongState("the authenticator app is not enabled"));
        guard.ensureOpen(account, now);
        return switch (credential) {
            case TotpCode code -> verifyTotp(account.userId(), factor, code.code(), now);
            case RecoveryCode code -> verifyRecovery(account, code.normalized(), now);
        };
    }

    /** The step a code was accepted for, recorded so the code can never be used again. */
    public static Instant stepRecordExpiry(Totp totp, long step) {
        long period = totp.policy().periodSeconds();
        // Past this instant the step is outside every drift window, and lastStep still guards it.
        return Instant.ofEpochSecond((step + 1 + totp.policy().driftSteps()) * period + period);
    }

    private VerifiedMethod verifyTotp(String userId, TotpFactor factor, String code, Instant now) {
        byte[] secret = cipher.decrypt(factor.secretCiphertext(), SecretContext.totpSecret(userId));
        TotpCheck check;
        try {
            check = totp.check(secret, code, now, factor.lastStep());
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        switch (check.outcome()) {
            case INVALID -> throw guard.fail(userId, now, "wrong code");
            case REPLAYED -> throw replay(userId, check.step(), now);
            case ACCEPTED -> {}
        }
        // RFC 6238 §5.2 / CVE-2024-41800: two requests with one code may both pass the check above;
        // the conditional writes below let exactly one of them through.
        if (!store.markStepUsed(userId, check.step(), stepRecordExpiry(totp, check.step()), now)) {
            throw replay(userId, check.step(), now);
        }
        if (!store.acceptStep(userId, check.step())) {
            throw replay(userId, check.step(), now);
        }
        events.record("totp_verified", userId);
        return VerifiedMethod.TOTP;
    }

    private VerifiedMethod verifyRecovery(Account account, String normalized, Instant now) {
        String userId = account.userId();
        byte[] salt = account.recoverySalt();
        if (salt == null || !store.consumeRecoveryCode(userId, RecoveryCodes.hash(normalized, salt))) {
            throw guard.fail(userId, now, "wrong recovery code");
        }
        events.record("recovery_code_used", userId);
        return VerifiedMethod.RECOVERY;
    }

    /** ASVS 2.8.5: a reused TOTP is logged; it also counts as a failed attempt. */
    private TwoFactorException replay(String userId, long step, Instant now) {
        events.record("totp_replay_refused", userId, Map.of("step", Long.toString(step)));
        return guard.fail(userId, now, "replayed code");
    }
}
