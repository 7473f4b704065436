package dev.twofa.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    @ParameterizedTest(name = "retryAt - now = {0} ns -> {1} s")
    @CsvSource({
        "1, 1", // rounds up
        "999999999, 1",
        "1000000000, 1",
        "1000000001, 2",
        "20000000000, 20",
        "899500000000, 900",
        "3599000000001, 3600",
        "0, 1", // never tells a client to retry after 0 s
        "-5000000000, 1" // nor a negative wait when the moment has passed
    })
    void seconds_roundsUp_withMinimumOfOne(long nanosUntilRetry, long expected) {
        assertThat(RetryAfter.seconds(NOW, NOW.plusNanos(nanosUntilRetry))).isEqualTo(expected);
    }
}
