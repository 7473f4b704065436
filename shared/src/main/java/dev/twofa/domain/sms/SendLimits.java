package dev.twofa.domain.sms;

import java.time.Duration;
import java.util.Objects;

/**
 * How often codes may be sent to one user, or to one number: against SMS pumping (toll fraud that triggers sends to
 * numbers whose operator shares the fee) and against flooding a victim's phone. Validated when built, so no limiter
 * runs with a window it cannot enforce.
 *
 * @param maxPerWindow sends allowed within any sliding {@code window}
 * @param window length of the sliding window
 * @param minInterval least time between two sends; zero turns this check off
 */
public record SendLimits(int maxPerWindow, Duration window, Duration minInterval) {

    /**
     * Bounds the send history a limiter keeps per user and per number (it is stored with them), so a configuration
     * mistake cannot grow it without limit.
     */
    public static final int MAX_PER_WINDOW_CAP = 100;

    /** The defaults: 5 per hour and 1 per 30 s (Twilio Verify allows 5 per number per 10 minutes). */
    public static final SendLimits DEFAULT = new SendLimits(5, Duration.ofHours(1), Duration.ofSeconds(30));

    public SendLimits {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(minInterval, "minInterval");
        if (maxPerWindow < 1 || maxPerWindow > MAX_PER_WINDOW_CAP) {
            throw new IllegalArgumentException(
                    "maxPerWindow must be 1.." + MAX_PER_WINDOW_CAP + ", was " + maxPerWindow);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, was " + window);
        }
        if (minInterval.isNegative() || minInterval.compareTo(window) > 0) {
            // Sends older than the window are pruned from the history, so a longer interval could not be enforced.
            throw new IllegalArgumentException("minInterval must be 0.." + window + ", was " + minInterval);
        }
    }
}
