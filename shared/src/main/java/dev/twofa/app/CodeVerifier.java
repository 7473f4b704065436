package dev.twofa.app;

import dev.twofa.app.Credential.RecoveryCode;
import dev.twofa.app.Credential.SignInAssertion;
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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Checks a proof of an existing factor and spends it: an authenticator code, a recovery code, or
 * (as a step-up proof) a fresh sign-in assertion. Shared by sign-in and by every factor change
 * (OWASP: a second factor is required again before MFA is changed). Every comparison is local and
 * its answer leaves only through the {@link AttemptGuard}'s conditional writes.
 */
public final class CodeVerifier {
    static final String TOTP = VerifiedMethod.TOTP.apiName();
    static final String RECOVERY = VerifiedMethod.RECOVERY.apiName();
    static final String ASSERTION = VerifiedMethod.ASSERTION.apiName();

    private final TwoFactorStore store;
    private final SecretCipher cipher;
    private final AttemptGuard guard;
    private final SecurityEvents events;
    private final Notifications notifications;
    private final AssertionVerifier assertions;
    private final Totp totp;

    public CodeVerifier(
            TwoFactorStore store,
            SecretCipher cipher,
            AttemptGuard guard,
            SecurityEvents events,
            Notifications notifications,
            AssertionVerifier assertions,
            Totp totp) {
        this.store = store;
        this.cipher = cipher;
        this.guard = guard;
        this.events = events;
        this.notifications = notifications;
        this.assertions = assertions;
        this.totp = totp;
    }

    public VerifiedMethod verify(Principal principal, Account account, Credential credential, Instant now) {
        if (!(credential instanceof SignInAssertion)) {
            account.totpFactor().orElseThrow(() -> new WrongState("the authenticator app is not enabled"));
        }
        guard.ensureOpen(account, now);
        return switch (credential) {
            case TotpCode code -> verifyTotp(principal, account, code.code(), now);
            case RecoveryCode code -> verifyRecovery(principal, account, code.normalized(), now);
            case SignInAssertion assertion -> verifyAssertion(principal, account, assertion.token(), now);
        };
    }

    /** The step a code was accepted for, recorded so the code can never be used again. */
    public static Instant stepRecordExpiry(Totp totp, long step) {
        long period = totp.policy().periodSeconds();
        // Past this instant the step is outside every drift window, and lastStep still guards it.
        return Instant.ofEpochSecond((step + 1 + totp.policy().driftSteps()) * period + period);
    }

    private VerifiedMethod verifyTotp(Principal principal, Account account, String code, Instant now) {
        String userId = principal.userId();
        TotpFactor factor = account.totpFactor().orElseThrow();
        byte[] secret = cipher.decrypt(factor.secretCiphertext(), SecretContext.totpSecret(userId));
        TotpCheck check;
        try {
            check = totp.check(secret, code, now, factor.lastStep());
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        switch (check.outcome()) {
            case INVALID -> throw guard.fail(principal, account, TOTP, now, "wrong code");
            case REPLAYED -> throw replay(principal, account, check.step(), now);
            case ACCEPTED -> {}
        }
        // RFC 6238 §5.2 / CVE-2024-41800: two requests with one code may both pass the check above;
        // the conditional transaction lets exactly one of them through.
        long step = check.step();
        if (!store.acceptTotpStep(userId, step, stepRecordExpiry(totp, step), account.consecutiveFailures(), now)) {
            throw guard.lostRace(principal, account, now, current -> replay(principal, account, step, now));
        }
        return VerifiedMethod.TOTP;
    }

    private VerifiedMethod verifyRecovery(Principal principal, Account account, String normalized, Instant now) {
        byte[] salt = account.recoverySalt();
        String presented = salt == null ? null : RecoveryCodes.hash(normalized, salt);
        String matched = presented == null ? null : matching(presented, store.recoveryCodeHashes(principal.userId()));
        if (matched == null) {
            throw guard.fail(principal, account, RECOVERY, now, "wrong recovery code");
        }
        // Keycloak #26106: two parallel requests with one code; the conditional delete admits one.
        if (!store.consumeRecoveryCode(principal.userId(), matched, account.consecutiveFailures())) {
            throw guard.lostRace(
                    principal,
                    account,
                    now,
                    current -> guard.fail(principal, account, RECOVERY, now, "recovery code used"));
        }
        events.record(SecurityEvent.of(principal, "recovery_code_used", RECOVERY, now));
        return VerifiedMethod.RECOVERY;
    }

    private VerifiedMethod verifyAssertion(Principal principal, Account account, String token, Instant now) {
        var spendable = assertions
                .check(principal.userId(), token, now)
                .orElseThrow(() -> guard.fail(principal, account, ASSERTION, now, "invalid assertion"));
        // Each assertion proves once: its jti is recorded until it expires.
        if (!store.spendAssertion(
                principal.userId(), spendable.jti(), spendable.expiresAt(), account.consecutiveFailures(), now)) {
            throw guard.lostRace(
                    principal,
                    account,
                    now,
                    current -> guard.fail(principal, account, ASSERTION, now, "assertion reused"));
        }
        return VerifiedMethod.ASSERTION;
    }

    /** Constant-time over every stored hash, no early exit: timing says nothing about which matched. */
    private static String matching(String presented, List<String> stored) {
        byte[] candidate = presented.getBytes(StandardCharsets.US_ASCII);
        String found = null;
        for (String hash : stored) {
            if (MessageDigest.isEqual(candidate, hash.getBytes(StandardCharsets.US_ASCII))) {
                found = hash;
            }
        }
        return found;
    }

    /** ASVS 2.8.5: a reused TOTP is logged and the user told; it also counts as a failed attempt. */
    private TwoFactorException replay(Principal principal, Account account, long step, Instant now) {
        events.record(SecurityEvent.of(principal, "replay_refused", TOTP, now, Map.of("step", Long.toString(step))));
        notifications.replayRefused(Recipients.of(principal, account), now);
        return guard.fail(principal, account, TOTP, now, "replayed code");
    }
}
