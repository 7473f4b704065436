package dev.twofa.app;

import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException.WrongState;
import dev.twofa.app.common.Attempt;
import dev.twofa.app.common.AttemptGuard;
import dev.twofa.app.common.CodeVerifier;
import dev.twofa.app.common.Factors;
import dev.twofa.app.common.Notifications;
import dev.twofa.app.common.Recipients;
import dev.twofa.app.common.SetupKey;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.account.TotpFactor;
import dev.twofa.domain.enrollment.EnrollmentStage;
import dev.twofa.domain.enrollment.PendingEnrollment;
import dev.twofa.domain.otp.Totp;
import dev.twofa.domain.otp.TotpCheck;
import dev.twofa.domain.recovery.RecoveryCodes;
import dev.twofa.port.SecretCipher;
import dev.twofa.port.SecretContext;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.TwoFactorStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The first code from the app proves the secret was scanned: enable the factor and hand out the
 * recovery codes, shown this once and stored only hashed. Until then the caller may see their own
 * pending setup again ({@link #pending}): a reload of the setup page must not lose it.
 */
public final class ConfirmTotp {
    private final TwoFactorStore store;
    private final SecretCipher cipher;
    private final AttemptGuard guard;
    private final RecoveryCodes recoveryCodes;
    private final Notifications notifications;
    private final SecurityEvents events;
    private final SecureRandom random;
    private final Clock clock;
    private final Totp totp;
    private final String issuer;

    public ConfirmTotp(
            TwoFactorStore store,
            SecretCipher cipher,
            AttemptGuard guard,
            Notifications notifications,
            SecurityEvents events,
            SecureRandom random,
            Clock clock,
            Totp totp,
            String issuer) {
        this.store = store;
        this.cipher = cipher;
        this.guard = guard;
        this.recoveryCodes = new RecoveryCodes(random);
        this.notifications = notifications;
        this.events = events;
        this.random = random;
        this.clock = clock;
        this.totp = totp;
        this.issuer = issuer;
    }

    /** The setup the caller opened from the activation link and has not confirmed yet, with when it ends. */
    public record Pending(SetupKey.Shown key, Instant expiresAt) {}

    /**
     * The caller's own setup again (the same key and QR code the link showed), while it waits for its
     * first code and has not expired. Only the principal's own enrollment is ever read; a setup whose
     * link was not opened yet has no key to show, and one the account could no longer confirm is not
     * shown either.
     */
    public Pending pending(Principal principal) {
        Instant now = clock.instant();
        String userId = principal.userId();
        Account account = store.findAccount(userId).orElse(Account.empty(userId));
        if (account.totpEnabled()) {
            throw new WrongState("the authenticator app is already enabled");
        }
        PendingEnrollment pending = awaitingConfirmation(userId, now);
        if (!pending.steppedUp() && account.hasAnyFactor()) {
            throw new WrongState("Text message (SMS) was turned on since this setup started; start again");
        }
        byte[] secret = cipher.decrypt(pending.secretCiphertext(), SecretContext.totpSecret(userId));
        try {
            return new Pending(SetupKey.of(principal, secret, issuer, totp.policy()), pending.expiresAt());
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private PendingEnrollment awaitingConfirmation(String userId, Instant now) {
        return store.findPendingEnrollment(userId, now)
                .filter(p -> p.stage() == EnrollmentStage.AWAITING_CONFIRMATION)
                .orElseThrow(() -> new WrongState("open the activation link from your email first"));
    }

    public List<String> confirm(Principal principal, String code) {
        Instant now = clock.instant();
        String userId = principal.userId();
        Account account = store.findAccount(userId).orElse(Account.empty(userId));
        if (account.totpEnabled()) {
            throw new WrongState("the authenticator app is already enabled");
        }
        PendingEnrollment pending = awaitingConfirmation(userId, now);
        if (!pending.steppedUp() && account.hasAnyFactor()) {
            // Started while the account had no factor; SMS came on since. Starting again asks for a proof.
            throw new WrongState("Text message (SMS) was turned on since this setup started; start again");
        }
        guard.ensureOpen(account, now);

        TotpCheck check;
        byte[] secret = cipher.decrypt(pending.secretCiphertext(), SecretContext.totpSecret(userId));
        try {
            check = totp.check(secret, code, now, Totp.NO_STEP);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        if (!check.isAccepted()) {
            throw guard.fail(principal, account, Factors.TOTP, now, "wrong enrollment code", Attempt.SETUP);
        }

        List<String> codes = recoveryCodes.generate();
        byte[] salt = RecoveryCodes.newSalt(random);
        List<String> hashes = codes.stream()
                .map(c -> RecoveryCodes.hash(RecoveryCodes.normalize(c).orElseThrow(), salt))
                .toList();
        // The enrollment code's step counts as used (RFC 6238 §5.2), recorded in the same transaction.
        TotpFactor factor = new TotpFactor(pending.secretCiphertext(), check.step(), now);
        Instant stepExpiry = CodeVerifier.stepRecordExpiry(totp, check.step());
        if (!store.enableTotp(pending, factor, stepExpiry, salt, hashes, account.consecutiveFailures(), now)) {
            throw guard.lostRace(
                    principal,
                    account,
                    now,
                    current -> current.hasAnyFactor()
                            ? new WrongState("two-factor settings changed while this setup was open; start again")
                            : guard.fail(
                                    principal,
                                    account,
                                    Factors.TOTP,
                                    now,
                                    "enrollment changed concurrently",
                                    Attempt.SETUP));
        }
        events.record(principal.event("totp_enabled", Factors.TOTP, now));
        // The address now on file, the one before it, and the token's current verified one.
        notifications.totpEnabled(Recipients.of(
                userId,
                pending.email(),
                account.email(),
                principal.emailAddress().orElse(null)));
        return codes;
    }
}
