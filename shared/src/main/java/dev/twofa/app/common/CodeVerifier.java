package dev.twofa.app.common;

import static dev.twofa.app.common.Factors.ASSERTION;
import static dev.twofa.app.common.Factors.RECOVERY;
import static dev.twofa.app.common.Factors.TOTP;

import dev.twofa.app.api.Credential;
import dev.twofa.app.api.Credential.RecoveryCode;
import dev.twofa.app.api.Credential.SignInAssertion;
import dev.twofa.app.api.Credential.TotpCode;
import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException;
import dev.twofa.app.api.TwoFactorException.WrongState;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.account.TotpFactor;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.domain.otp.Totp;
import dev.twofa.domain.otp.TotpCheck;
import dev.twofa.domain.recovery.RecoveryCodes;
import dev.twofa.port.ProofSpend;
import dev.twofa.port.SecretCipher;
import dev.twofa.port.SecretContext;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.TwoFactorStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Checks a proof of an existing factor and spends it: an authenticator code, a recovery code, or
 * (as a step-up proof) a fresh sign-in assertion. Shared by sign-in and by every factor change
 * (OWASP: a second factor is required again before MFA is changed). Every comparison is local and
 * its answer leaves only through the {@link AttemptGuard}'s conditional writes.
 */
public final class CodeVerifier {

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
     * A proof that passed its check and is not spent yet ({@link #check}): the caller spends it in
     * the transaction of the change it authorises ({@link #spend}, or a store method taking its
     * {@link ProofSpend}). Commit last: whatever can still fail runs before that write.
     *
     * @param recoveryCodesLeft after a recovery code: how many stay unused once it is spent (from the
     *     codes read to compare against, less this one); empty for other methods
     */
    public record Proof(VerifiedMethod method, ProofSpend spend, OptionalInt recoveryCodesLeft) {}

    /** A committed sign-in, with what its caller prepared before the commit (the signed assertion). */
    public record SignedIn<T>(Proof proof, T prepared) {}

    /**
     * Checks a proof for a factor change (step-up) without spending it: a wrong one is counted (and
     * refused) here; a right one is spent later, with the change, by the caller.
     */
    public Proof check(Principal principal, Account account, Credential credential, Instant now, Attempt attempt) {
        if (!(credential instanceof SignInAssertion)) {
            account.totpFactor().orElseThrow(() -> new WrongState("the authenticator app is not enabled"));
        }
        guard.ensureOpen(account, now);
        return switch (credential) {
            case TotpCode code -> checkTotp(principal, account, code.code(), now, attempt);
            case RecoveryCode code -> checkRecovery(principal, account, code.normalized(), now, attempt);
            case SignInAssertion assertion -> checkAssertion(principal, account, assertion.token(), now, attempt);
        };
    }

    /**
     * Checks a sign-in code, then runs {@code beforeCommit} (e.g. signing the assertion: a KMS call
     * that can fail), then spends the code and writes {@code verify_succeeded} in one transaction.
     * A fault in {@code beforeCommit} leaves the code unspent (the 503 costs the user nothing); a
     * wrong code never reaches it (no KMS Sign for guesses).
     */
    public <T> SignedIn<T> signIn(
            Principal principal,
            Account account,
            Credential credential,
            Instant now,
            Function<VerifiedMethod, T> beforeCommit) {
        Proof proof = check(principal, account, credential, now, Attempt.SIGN_IN);
        T prepared = beforeCommit.apply(proof.method());
        List<SecurityEvent> audit = proof.spend() instanceof ProofSpend.Assertion
                ? List.of()
                : List.of(signedIn(principal, proof.method(), now));
        spend(principal, account, proof, now, audit);
        return new SignedIn<>(proof, prepared);
    }

    /**
     * The audit items spending {@code proof} writes in its transaction, beside the change's own:
     * OWASP MFA cheat sheet: a used recovery code is recorded, sign-in or step-up alike.
     */
    public List<SecurityEvent> spendEvents(Principal principal, Proof proof, Instant now, Attempt attempt) {
        return proof.spend() instanceof ProofSpend.RecoveryCode
                ? List.of(
                        principal.event("recovery_code_used", RECOVERY, now, Map.of(Attempt.DETAIL, attempt.detail())))
                : List.of();
    }

    /**
     * A transaction that spends {@code proof} with a change was refused. A failure counted since the
     * account was read wins first (the caller waits); then {@code changeRefused} names a refusal of
     * the change itself from the account as it is now; otherwise the proof was spent meanwhile: a
     * replayed code.
     */
    public TwoFactorException refused(
            Principal principal,
            Account seen,
            Proof proof,
            Instant now,
            Attempt attempt,
            Function<Account, Optional<TwoFactorException>> changeRefused) {
        return guard.lostRace(principal, seen, now, current -> changeRefused
                .apply(current)
                .orElseGet(() -> spentMeanwhile(principal, seen, proof, now, attempt)));
    }

    /** The step a code was accepted for, recorded so the code can never be used again. */
    public static Instant stepRecordExpiry(Totp totp, long step) {
        long period = totp.policy().periodSeconds();
        // Past this instant the step is outside every drift window, and lastStep still guards it.
        return Instant.ofEpochSecond((step + 1 + totp.policy().driftSteps()) * period + period);
    }

    /** Spends a checked sign-in code on its own, its {@code audit} items in the same transaction. */
    private void spend(Principal principal, Account account, Proof proof, Instant now, List<SecurityEvent> audit) {
        String userId = principal.userId();
        List<SecurityEvent> all = new ArrayList<>(spendEvents(principal, proof, now, Attempt.SIGN_IN));
        all.addAll(audit);
        // RFC 6238 §5.2 / CVE-2024-41800 / Keycloak #26106: two requests with one proof may both pass
        // the check; the conditional transaction lets exactly one of them through.
        boolean won =
                switch (proof.spend()) {
                    case ProofSpend.TotpStep s ->
                        store.acceptTotpStep(userId, s.step(), s.recordExpiresAt(), s.seenFailures(), now, all);
                    case ProofSpend.RecoveryCode r ->
                        store.consumeRecoveryCode(userId, r.codeHash(), r.seenFailures(), all);
                    case ProofSpend.Assertion a ->
                        store.spendAssertion(userId, a.jti(), a.expiresAt(), a.seenFailures(), now);
                };
        if (!won) {
            throw refused(principal, account, proof, now, Attempt.SIGN_IN, current -> Optional.empty());
        }
        all.forEach(events::committed);
    }

    private TwoFactorException spentMeanwhile(
            Principal principal, Account account, Proof proof, Instant now, Attempt attempt) {
        return switch (proof.spend()) {
            case ProofSpend.TotpStep s -> replay(principal, account, s.step(), now, attempt);
            case ProofSpend.RecoveryCode r ->
                guard.fail(principal, account, RECOVERY, now, "recovery code used", attempt);
            case ProofSpend.Assertion a -> guard.fail(principal, account, ASSERTION, now, "assertion reused", attempt);
        };
    }

    private Proof checkTotp(Principal principal, Account account, String code, Instant now, Attempt attempt) {
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
            case INVALID -> throw guard.fail(principal, account, TOTP, now, "wrong code", attempt);
            case REPLAYED -> throw replay(principal, account, check.step(), now, attempt);
            case ACCEPTED -> {}
        }
        long step = check.step();
        return new Proof(
                VerifiedMethod.TOTP,
                new ProofSpend.TotpStep(step, stepRecordExpiry(totp, step), account.consecutiveFailures()),
                OptionalInt.empty());
    }

    private Proof checkRecovery(Principal principal, Account account, String normalized, Instant now, Attempt attempt) {
        byte[] salt = account.recoverySalt();
        List<String> unused = salt == null ? List.of() : store.recoveryCodeHashes(principal.userId());
        String matched = salt == null ? null : matching(RecoveryCodes.hash(normalized, salt), unused);
        if (matched == null) {
            throw guard.fail(principal, account, RECOVERY, now, "wrong recovery code", attempt);
        }
        // The codes read less the one spent; a different code spent in parallel is counted by the next use.
        return new Proof(
                VerifiedMethod.RECOVERY,
                new ProofSpend.RecoveryCode(matched, account.consecutiveFailures()),
                OptionalInt.of(unused.size() - 1));
    }

    /** Recorded for a sign-in only: the same check guards factor changes, which record events of their own. */
    private static SecurityEvent signedIn(Principal principal, VerifiedMethod method, Instant now) {
        return principal.event("verify_succeeded", method.apiName(), now);
    }

    private Proof checkAssertion(Principal principal, Account account, String token, Instant now, Attempt attempt) {
        var spendable = assertions
                .check(principal.userId(), token, now)
                .orElseThrow(() -> guard.fail(principal, account, ASSERTION, now, "invalid assertion", attempt));
        // Each assertion proves once: its jti is recorded until it expires. A spent one is refused
        // here, before the change sends anything for it; the spending write settles parallel uses.
        if (store.assertionSpent(principal.userId(), spendable.jti(), now)) {
            throw guard.fail(principal, account, ASSERTION, now, "assertion reused", attempt);
        }
        return new Proof(
                VerifiedMethod.ASSERTION,
                new ProofSpend.Assertion(spendable.jti(), spendable.expiresAt(), account.consecutiveFailures()),
                OptionalInt.empty());
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
    private TwoFactorException replay(Principal principal, Account account, long step, Instant now, Attempt attempt) {
        events.record(principal.event(
                "replay_refused", TOTP, now, Map.of("step", Long.toString(step), Attempt.DETAIL, attempt.detail())));
        notifications.replayRefused(Recipients.of(principal, account), now);
        return guard.fail(principal, account, TOTP, now, "replayed code", attempt);
    }
}
