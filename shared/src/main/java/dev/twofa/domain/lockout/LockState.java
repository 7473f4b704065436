package dev.twofa.domain.lockout;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** Whether an account may attempt a second-factor check now. */
public sealed interface LockState permits LockState.Open, LockState.Throttled, LockState.Locked {

    /** Attempts are allowed. */
    record Open() implements LockState {}

    /** Too many recent failures: the next attempt is allowed at {@code retryAt} (NIST SP 800-63B §5.2.2). */
    record Throttled(Instant retryAt) implements LockState {

        public Throttled {
            Objects.requireNonNull(retryAt, "retryAt");
        }

        /**
         * Seconds until {@link #retryAt()}, rounded up and at least 1: the value of an HTTP Retry-After header (RFC 9110
         * §10.2.3), where rounding down would invite a retry that is refused again.
         */
        public long retryAfterSeconds(Instant now) {
            Objects.requireNonNull(now, "now");
            Duration wait = Duration.between(now, retryAt);
            long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
            return Math.max(1, seconds);
        }
    }

    /** The hard limit was reached: only a support-assisted reset after identity proofing reopens the account. */
    record Locked() implements LockState {}
}
