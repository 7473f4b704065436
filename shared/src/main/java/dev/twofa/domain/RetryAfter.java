package dev.twofa.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The one rounding rule for every wait the API tells a caller (back-off, SMS send interval, SMS
 * budget): whole seconds until the moment a retry can succeed, rounded up and at least 1, the value
 * of an HTTP Retry-After header (RFC 9110 §10.2.3). Rounding down would invite a retry that is
 * refused again; 0 would invite one at once.
 */
public final class RetryAfter {
    private RetryAfter() {}

    /** Seconds from {@code now} until {@code retryAt}, rounded up, at least 1. */
    public static long seconds(Instant now, Instant retryAt) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(retryAt, "retryAt");
        Duration wait = Duration.between(now, retryAt);
        long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }
}
