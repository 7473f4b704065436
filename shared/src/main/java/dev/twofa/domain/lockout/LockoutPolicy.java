package dev.twofa.domain.lockout;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Rate limiting of second-factor attempts per account. The counter is per account, not per session, because the
 * "AuthQuake" attack guessed TOTP codes through many parallel sessions; and only a success or a support reset clears
 * it, never the passage of time (privacyIDEA #1578).
 *
 * @param freeFailures consecutive failures allowed without any wait
 * @param maxDelay the longest wait between attempts
 * @param hardLimit consecutive failures after which the account locks (NIST SP 800-63B §5.2.2: at most 100)
 */
public record LockoutPolicy(int freeFailures, Duration maxDelay, int hardLimit) {

    /** NIST SP 800-63B §5.2.2: no more than 100 consecutive failed attempts on a single account. */
    public static final int NIST_MAX_FAILURES = 100;

    /** Cognito's behaviour users know: 5 free failures, then 2^(n-5) s up to about 15 minutes; lock at NIST's 100. */
    public static final LockoutPolicy DEFAULT = new LockoutPolicy(5, Duration.ofMinutes(15), NIST_MAX_FAILURES);

    public LockoutPolicy {
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (freeFailures < 0) {
            throw new IllegalArgumentException("freeFailures must be >= 0, was " + freeFailures);
        }
        if (maxDelay.isNegative() || maxDelay.isZero()) {
            throw new IllegalArgumentException("maxDelay must be positive, was " + maxDelay);
        }
        if (hardLimit <= freeFailures || hardLimit > NIST_MAX_FAILURES) {
            throw new IllegalArgumentException(
                    "hardLimit must be in (freeFailures, " + NIST_MAX_FAILURES + "], was " + hardLimit);
        }
    }

    /**
     * @param consecutiveFailures failures since the last success or reset
     * @param lastFailureAt when the latest of them happened; null only when there were none
     * @param now the current time, passed in
     */
    public LockState evaluate(int consecutiveFailures, Instant lastFailureAt, Instant now) {
        Objects.requireNonNull(now, "now");
        if (consecutiveFailures < 0) {
            throw new IllegalArgumentException("consecutiveFailures must be >= 0, was " + consecutiveFailures);
        }
        if (consecutiveFailures > 0 && lastFailureAt == null) {
            throw new IllegalArgumentException("lastFailureAt is required when consecutiveFailures > 0");
        }
        if (consecutiveFailures >= hardLimit) {
            // NIST SP 800-63B §5.2.2: past the limit the authenticator is disabled, not merely delayed.
            return new LockState.Locked();
        }
        if (consecutiveFailures == 0 || consecutiveFailures < freeFailures) {
            return new LockState.Open();
        }
        Instant retryAt = lastFailureAt.plus(delayAfter(consecutiveFailures));
        return now.isBefore(retryAt) ? new LockState.Throttled(retryAt) : new LockState.Open();
    }

    /**
     * The terms of a conditional write that counts one more failure after {@code seenFailures} were
     * read at {@code now}: see {@link AttemptWindow}.
     */
    public AttemptWindow window(int seenFailures, Instant now) {
        Objects.requireNonNull(now, "now");
        Instant latest = seenFailures < freeFailures ? now : now.minus(delayAfter(seenFailures));
        return new AttemptWindow(seenFailures, now, latest, freeFailures, hardLimit);
    }

    /** 2^(failures - freeFailures) seconds, capped at maxDelay, as Cognito does with 2^(n-5). */
    private Duration delayAfter(int failures) {
        int exponent = failures - freeFailures;
        // 1L << 63 is negative and shifts wrap modulo 64; any exponent that large is far past the cap anyway.
        if (exponent >= Long.SIZE - 1) {
            return maxDelay;
        }
        Duration exponential = Duration.ofSeconds(1L << exponent);
        return exponential.compareTo(maxDelay) < 0 ? exponential : maxDelay;
    }
}
