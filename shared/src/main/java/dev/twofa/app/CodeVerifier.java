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
    static final String TOTP = VerifiedMethod.TOTP.apiName();
    static final String RECOVERY = VerifiedMethod.RECOVERY.apiName();

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

    public VerifiedMethod verify(Principal principal, Account account, Credential credential, Instant now) {
        TotpFactor factor =
                account.totpFactor().orElseThrow(() -> new WrongState("the authenticator app is not enabled"));
        guard.ensureOpen(account, now);
        return switch (credential) {
            case TotpCode code -> verifyTotp(principal, factor, code.code(), now);
            case RecoveryCode code -> verifyRecovery(principal, account, code.normalized(), now);
        };
    }

    /** The step a code was accepted for, recorded so the code can never be used again. */
    public static Instant stepRecordExpiry(Totp totp, long step) {
        long period = totp.policy().periodSeconds();
        // Past this instant the step is outside every drift window, and lastStep still guards it.
        return Instant.ofEpochSecond((step + 1 + totp.policy().driftSteps()) * period + period);
    }

    private VerifiedMethod verifyTotp(Principal principal, TotpFactor factor, String code, Instant now) {
        String userId = principal.userId();
        byte[] secret = cipher.decrypt(factor.secretCiphertext(), SecretContext.totpSecret(userId));
        TotpCheck check;
        try {
            check = totp.check(secret, code, now, factor.lastStep());
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        switch (check.outcome()) {
            case INVALID -> throw guard.fail(principal, TOTP, now, "wrong code");
            case REPLAYED -> throw replay(principal, check.step(), now);
            case ACCEPTED -> {}
        }
        // RFC 6238 §5.2 / CVE-2024-41800: two requests with one code may both pass the check above;
        // the conditional writes below let exactly one of them through.
        if (!store.markStepUsed(userId, check.step(), stepRecordExpiry(totp, check.step()), now)) {
            throw replay(principal, check.step(), now);
        }
        if (!store.acceptStep(userId, check.step())) {
            throw replay(principal, check.step(), now);
        }
        return VerifiedMethod.TOTP;
    }

    private VerifiedMethod verifyRecovery(Principal principal, Account account, String normalized, Instant now) {
        byte[] salt = account.recoverySalt();
        if (salt == null || !store.consumeRecoveryCode(principal.userId(), RecoveryCodes.hash(normalized, salt))) {
            throw guard.fail(principal, RECOVERY, now, "wrong recovery code");
        }
        events.record(SecurityEvent.of(principal, "recovery_code_used", RECOVERY, now));
        return VerifiedMethod.RECOVERY;
    }

    /** ASVS 2.8.5: a reused TOTP is logged; it also counts as a failed attempt. */
    private TwoFactorException replay(Principal principal, long step, Instant now) {
        events.record(SecurityEvent.of(principal, "replay_refused", TOTP, now, Map.of("step", Long.toString(step))));
        return guard.fail(principal, TOTP, now, "replayed code");
    }
}
