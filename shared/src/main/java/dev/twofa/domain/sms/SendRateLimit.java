package dev.twofa.domain.sms;

import dev.twofa.domain.RetryAfter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether one more code may be sent, given the times of earlier sends to the same user (or the same number).
 * The window slides: a fixed hourly bucket would let 5 sends through at 12:59 and 5 more at 13:00. The caller applies
 * it per user and per number, stores {@link Allowed#sendsToStore()} with a conditional write, and answers
 * {@link Limited} with HTTP 429 and Retry-After.
 */
public final class SendRateLimit {

    /** The outcome of {@link #decide}. */
    public sealed interface Decision permits Allowed, Limited {}

    /**
     * The send may go ahead.
     *
     * @param sendsToStore the history to store in place of the old one: the sends still inside the window and now,
     *     oldest first, at most {@link SendLimits#maxPerWindow()} of them
     */
    public record Allowed(List<Instant> sendsToStore) implements Decision {

        public Allowed {
            sendsToStore = List.copyOf(sendsToStore);
        }
    }

    /** Too many sends: the next is allowed at {@code retryAt}. */
    public record Limited(Instant retryAt) implements Decision {

        public Limited {
            Objects.requireNonNull(retryAt, "retryAt");
        }

        /**
         * Seconds until {@link #retryAt()} as a Retry-After header gives them ({@link RetryAfter}).
         */
        public long retryAfterSeconds(Instant now) {
            return RetryAfter.seconds(now, retryAt);
        }
    }

    private final SendLimits limits;

    public SendRateLimit(SendLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public SendLimits limits() {
        return limits;
    }

    /**
     * @param recentSends earlier send times in any order; entries older than the window are ignored
     * @param now the current time, passed in
     */
    public Decision decide(List<Instant> recentSends, Instant now) {
        return decide(recentSends, Optional.empty(), now);
    }

    /**
     * @param recentSends earlier send times in any order; entries older than the window are ignored
     * @param intervalFreedAfter a send whose code was confirmed: when it is still the latest, the next
     *     send need not wait out {@link SendLimits#minInterval()} (it counts toward the window all the same)
     * @param now the current time, passed in
     */
    public Decision decide(List<Instant> recentSends, Optional<Instant> intervalFreedAfter, Instant now) {
        Objects.requireNonNull(recentSends, "recentSends");
        Objects.requireNonNull(intervalFreedAfter, "intervalFreedAfter");
        Objects.requireNonNull(now, "now");
        // A send at t counts while now < t + window. Sends stamped after now (clock skew between instances) count too:
        // when unsure, limiting errs on the cheap side.
        Instant windowStart = now.minus(limits.window());
        List<Instant> inWindow = new ArrayList<>(recentSends.size() + 1);
        for (Instant sent : recentSends) {
            Objects.requireNonNull(sent, "recentSends must not contain null");
            if (sent.isAfter(windowStart)) {
                inWindow.add(sent);
            }
        }
        inWindow.sort(null);

        Instant retryAt = null;
        if (!inWindow.isEmpty()) {
            Instant last = inWindow.get(inWindow.size() - 1);
            boolean freed = intervalFreedAfter
                    .filter(f -> f.getEpochSecond() == last.getEpochSecond())
                    .isPresent();
            Instant nextAfterInterval = last.plus(limits.minInterval());
            if (!freed && now.isBefore(nextAfterInterval)) {
                retryAt = nextAfterInterval;
            }
        }
        int excess = inWindow.size() - limits.maxPerWindow();
        if (excess >= 0) {
            // Room opens when enough of the oldest have left the window that fewer than maxPerWindow remain: with
            // exactly maxPerWindow sends, when the oldest does.
            Instant nextAfterWindow = inWindow.get(excess).plus(limits.window());
            if (retryAt == null || nextAfterWindow.isAfter(retryAt)) {
                retryAt = nextAfterWindow;
            }
        }
        if (retryAt != null) {
            return new Limited(retryAt);
        }
        inWindow.add(now);
        inWindow.sort(null);
        return new Allowed(inWindow);
    }
}
