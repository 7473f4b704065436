package dev.twofa.domain.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SendLimitsTest {

    @Test
    void default_isFivePerHour_andOnePerThirtySeconds() {
        assertThat(SendLimits.DEFAULT).isEqualTo(new SendLimits(5, Duration.ofHours(1), Duration.ofSeconds(30)));
    }

    @ParameterizedTest(name = "max {0}, window {1}, interval {2}")
    @CsvSource({"1, PT1H, PT1H", "100, PT1S, PT0S", "3, PT10M, PT0S", "5, PT1H, PT30S"})
    void accepts_sensibleLimits_includingNoMinimumInterval(int max, Duration window, Duration minInterval) {
        assertThat(new SendLimits(max, window, minInterval).maxPerWindow()).isEqualTo(max);
    }

    @ParameterizedTest(name = "max {0}, window {1}, interval {2}")
    @CsvSource({
        "0, PT1H, PT30S",
        "-1, PT1H, PT30S",
        "101, PT1H, PT30S", // the send history is stored per user and number: keep it small
        "5, PT0S, PT0S",
        "5, -PT1H, PT0S",
        "5, PT1H, -PT1S",
        "5, PT1H, PT1H0.000000001S" // longer than the window: pruned history could not enforce it
    })
    void refuses_limitsThatCannotBeEnforced(int max, Duration window, Duration minInterval) {
        assertThatThrownBy(() -> new SendLimits(max, window, minInterval)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refuses_nulls() {
        assertThatThrownBy(() -> new SendLimits(5, null, Duration.ZERO)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new SendLimits(5, Duration.ofHours(1), null)).isInstanceOf(NullPointerException.class);
    }
}
