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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

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

    /**
     * What a check proved.
     *
     * @param recoveryCodesLeft after a recovery code: how many stay unused (from the codes read to
     *     compare against, less the one spent); empty for other methods
     */
    public record Passed(VerifiedMethod method, OptionalInt recoveryCodesLeft) {}

    /** Checks and spends a proof for a factor change (step-up): no sign-in is recorded. */
    public VerifiedMethod verify(Principal principal, Account account, Credential credential, Instant now) {
        return check(principal, account, credential, now, false).method();
    }

    /**
     * Checks and spends a sign-in code: its {@code verify_succeeded} audit item is written in the
     * transaction that spends the code, so a sign-in is recorded with its audit item or not at all.
     */
    public Passed signIn(Principal principal, Account account, Credential credential, Instant now) {
        return check(principal, account, credential, now, true);
    }

    private Passed check(Principal principal, Account account, Credential credential, Instant now, boolean signIn) {
        if (!(credential instanceof SignInAssertion)) {
            account.totpFactor().orElseThrow(() -> new WrongState("the authenticator app is not enabled"));
        }
        guard.ensureOpen(account, now);
        return switch (credential) {
            case TotpCode code -> verifyTotp(principal, account, code.code(), now, signIn);
            case RecoveryCode code -> verifyRecovery(principal, account, code.normalized(), now, signIn);
            case SignInAssertion assertion -> verifyAssertion(principal, account, assertion.token(), now);
        };
    }

    /** The step a code was accepted for, recorded so the code can never be used again. */
    public static Instant stepRecordExpiry(Totp totp, long step) {
        long period = totp.policy().periodSeconds();
        // Past this instant the step is outside every drift window, and lastStep still guards it.
        return Instant.ofEpochSecond((step + 1 + totp.policy().driftSteps()) * period + period);
    }

    private Passed verifyTotp(Principal principal, Account account, String code, Instant now, boolean signIn) {
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
        List<SecurityEvent> audit = signIn ? List.of(signedIn(principal, VerifiedMethod.TOTP, now)) : List.of();
        if (!store.acceptTotpStep(
                userId, step, stepRecordExpiry(totp, step), account.consecutiveFailures(), now, audit)) {
            throw guard.lostRace(principal, account, now, current -> replay(principal, account, step, now));
        }
        audit.forEach(events::committed);
        return new Passed(VerifiedMethod.TOTP, OptionalInt.empty());
    }

    private Passed verifyRecovery(
            Principal principal, Account account, String normalized, Instant now, boolean signIn) {
        byte[] salt = account.recoverySalt();
        List<String> unused = salt == null ? List.of() : store.recoveryCodeHashes(principal.userId());
        String matched = salt == null ? null : matching(RecoveryCodes.hash(normalized, salt), unused);
        if (matched == null) {
            throw guard.fail(principal, account, RECOVERY, now, "wrong recovery code");
        }
        List<SecurityEvent> audit = new ArrayList<>();
        // OWASP MFA cheat sheet: a used recovery code is recorded, sign-in or step-up alike.
        audit.add(SecurityEvent.of(principal, "recovery_code_used", RECOVERY, now));
        if (signIn) {
            audit.add(signedIn(principal, VerifiedMethod.RECOVERY, now));
        }
        // Keycloak #26106: two parallel requests with one code; the conditional delete admits one.
        if (!store.consumeRecoveryCode(principal.userId(), matched, account.consecutiveFailures(), audit)) {
            throw guard.lostRace(
                    principal,
                    account,
                    now,
                    current -> guard.fail(principal, account, RECOVERY, now, "recovery code used"));
        }
        audit.forEach(events::committed);
        // The codes read less the one spent; a different code spent in parallel is counted by the next use.
        return new Passed(VerifiedMethod.RECOVERY, OptionalInt.of(unused.size() - 1));
    }

    /** Recorded for a sign-in only: the same check guards factor changes, which record events of their own. */
    private static SecurityEvent signedIn(Principal principal, VerifiedMethod method, Instant now) {
        return SecurityEvent.of(principal, "verify_succeeded", method.apiName(), now);
    }

    private Passed verifyAssertion(Principal principal, Account account, String token, Instant now) {
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
        return new Passed(VerifiedMethod.ASSERTION, OptionalInt.empty());
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
