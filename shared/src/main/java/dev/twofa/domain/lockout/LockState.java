package dev.twofa.domain.lockout;

import dev.twofa.domain.RetryAfter;
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
         * Seconds until {@link #retryAt()} as a Retry-After header gives them ({@link RetryAfter}).
         */
        public long retryAfterSeconds(Instant now) {
            return RetryAfter.seconds(now, retryAt);
        }
    }

    /** The hard limit was reached: only a support-assisted reset after identity proofing reopens the account. */
    record Locked() implements LockState {}
}
