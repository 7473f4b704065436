package dev.twofa.domain.account;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A user's second-factor state: the enabled factors and the consecutive-failure count that the
 * lockout policy reads. One per user, shared by every session and method, so parallel sessions
 * cannot each get a fresh budget of guesses.
 */
public record Account(
        String userId,
        String email,
        TotpFactor totp,
        SmsFactor sms,
        int consecutiveFailures,
        Instant lastFailureAt,
        byte[] recoverySalt,
        WebAuthnFactor webauthn) {

    public Account {
        Objects.requireNonNull(userId, "userId");
        if (consecutiveFailures < 0) {
            throw new IllegalArgumentException("consecutiveFailures must be >= 0");
        }
        recoverySalt = recoverySalt == null ? null : recoverySalt.clone();
    }

    /** An account without security keys or passkeys. */
    public Account(
            String userId,
            String email,
            TotpFactor totp,
            SmsFactor sms,
            int consecutiveFailures,
            Instant lastFailureAt,
            byte[] recoverySalt) {
        this(userId, email, totp, sms, consecutiveFailures, lastFailureAt, recoverySalt, null);
    }

    /** The state of a user who never enrolled. */
    public static Account empty(String userId) {
        return new Account(userId, null, null, null, 0, null, null, null);
    }

    public Optional<TotpFactor> totpFactor() {
        return Optional.ofNullable(totp);
    }

    public boolean totpEnabled() {
        return totp != null;
    }

    public Optional<SmsFactor> smsFactor() {
        return Optional.ofNullable(sms);
    }

    public boolean smsEnabled() {
        return sms != null;
    }

    public Optional<WebAuthnFactor> webauthnFactor() {
        return Optional.ofNullable(webauthn);
    }

    /** Whether at least one security key or passkey is registered. */
    public boolean webauthnEnabled() {
        return webauthn != null;
    }

    /** Whether any factor is on: then every factor change needs a proof of one (step-up). */
    public boolean hasAnyFactor() {
        return totpEnabled() || smsEnabled() || webauthnEnabled();
    }

    @Override
    public byte[] recoverySalt() {
        return recoverySalt == null ? null : recoverySalt.clone();
    }
}
