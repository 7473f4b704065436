package dev.twofa.domain.sms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofa.domain.sms.SendRateLimit.Limited;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SendRateLimitEdgesTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    /** Another instance's clock ran ahead: its send counts, and waiting for it is the cheap side. */
    @Test
    void aSendStampedAfterNow_limitsUntilItsTime_evenWithoutAMinimumInterval() {
        SendLimits limits = new SendLimits(3, Duration.ofMinutes(10), Duration.ZERO);
        SendRateLimit limit = new SendRateLimit(limits);
        Instant skewed = T0.plusSeconds(2);

        assertThat(limit.decide(List.of(skewed), T0)).isEqualTo(new Limited(skewed));
        assertThat(limit.limits()).isSameAs(limits);
    }
}
