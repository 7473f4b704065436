package dev.twofa.domain.lockout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twofa.domain.RetryAfter;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LockoutPolicyTest {

    private static final LockoutPolicy POLICY = LockoutPolicy.DEFAULT;
    private static final Instant LAST_FAILURE = Instant.parse("2025-01-01T12:00:00Z");

    @Test
    void default_isCognitoLikeWithNistHardLimit() {
        assertThat(POLICY).isEqualTo(new LockoutPolicy(5, Duration.ofMinutes(15), 100));
    }

    @Test
    void evaluate_isOpen_withNoFailures_andNoLastFailure() {
        assertThat(POLICY.evaluate(0, null, LAST_FAILURE)).isEqualTo(new LockState.Open());
    }

    @ParameterizedTest(name = "{0} failures")
    @ValueSource(ints = {1, 2, 3, 4})
    void evaluate_isOpen_belowFreeFailures_evenRightAfterAFailure(int failures) {
        assertThat(POLICY.evaluate(failures, LAST_FAILURE, LAST_FAILURE)).isEqualTo(new LockState.Open());
    }

    @ParameterizedTest(name = "{0} failures -> wait {1} s")
    @CsvSource({
        "5, 1", // Cognito: 2^(5-5)
        "6, 2", "7, 4", "8, 8", "10, 32", "14, 512", "15, 900", // 1024 s capped at 15 min
        "16, 900", "50, 900", "69, 900", // 2^64: the shift would wrap to 1 s without the overflow guard
        "70, 900", "99, 900"
    })
    void evaluate_throttlesExponentially_upToMaxDelay(int failures, long waitSeconds) {
        Instant retryAt = LAST_FAILURE.plusSeconds(waitSeconds);

        assertThat(POLICY.evaluate(failures, LAST_FAILURE, LAST_FAILURE)).isEqualTo(new LockState.Throttled(retryAt));
        assertThat(POLICY.evaluate(failures, LAST_FAILURE, retryAt.minusNanos(1)))
                .isEqualTo(new LockState.Throttled(retryAt));
        assertThat(POLICY.evaluate(failures, LAST_FAILURE, retryAt)).isEqualTo(new LockState.Open());
        assertThat(POLICY.evaluate(failures, LAST_FAILURE, retryAt.plusSeconds(3600)))
                .isEqualTo(new LockState.Open());
    }

    @ParameterizedTest(name = "{0} failures")
    @ValueSource(ints = {100, 101, Integer.MAX_VALUE})
    void evaluate_locks_atHardLimit_forever(int failures) {
        // NIST SP 800-63B §5.2.2: time alone never reopens the account (cf. privacyIDEA #1578).
        assertThat(POLICY.evaluate(failures, LAST_FAILURE, LAST_FAILURE)).isEqualTo(new LockState.Locked());
        assertThat(POLICY.evaluate(failures, LAST_FAILURE, LAST_FAILURE.plus(Duration.ofDays(3650))))
                .isEqualTo(new LockState.Locked());
    }

    @Test
    void evaluate_customPolicy_withLargeGapBetweenFreeAndHardLimit_doesNotOverflow() {
        LockoutPolicy policy = new LockoutPolicy(0, Duration.ofHours(1), 100);

        assertThat(policy.evaluate(0, null, LAST_FAILURE)).isEqualTo(new LockState.Open());
        assertThat(policy.evaluate(1, LAST_FAILURE, LAST_FAILURE))
                .isEqualTo(new LockState.Throttled(LAST_FAILURE.plusSeconds(2)));
        assertThat(policy.evaluate(63, LAST_FAILURE, LAST_FAILURE))
                .isEqualTo(new LockState.Throttled(LAST_FAILURE.plusSeconds(3600)));
        assertThat(policy.evaluate(99, LAST_FAILURE, LAST_FAILURE))
                .isEqualTo(new LockState.Throttled(LAST_FAILURE.plusSeconds(3600)));
    }

    @Test
    void throttled_retryAfterSeconds_isRetryAftersRounding() {
        Instant now = LAST_FAILURE;
        LockState.Throttled throttled = new LockState.Throttled(now.plusMillis(899_500));

        assertThat(throttled.retryAfterSeconds(now))
                .isEqualTo(900)
                .isEqualTo(RetryAfter.seconds(now, throttled.retryAt()));
    }

    @Test
    void evaluate_fifthFailure_tellsClientToWaitOneSecond() {
        LockState state = POLICY.evaluate(5, LAST_FAILURE, LAST_FAILURE.plusMillis(200));

        assertThat(state).isInstanceOfSatisfying(LockState.Throttled.class, throttled -> assertThat(
                        throttled.retryAfterSeconds(LAST_FAILURE.plusMillis(200)))
                .isEqualTo(1));
    }

    @Test
    void evaluate_requiresLastFailureAt_whenThereWereFailures() {
        assertThatThrownBy(() -> POLICY.evaluate(1, null, LAST_FAILURE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void evaluate_rejectsNegativeFailures_andNullNow() {
        assertThatThrownBy(() -> POLICY.evaluate(-1, LAST_FAILURE, LAST_FAILURE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> POLICY.evaluate(1, LAST_FAILURE, null)).isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest(name = "free={0} maxDelay={1}s hard={2}")
    @CsvSource({"-1, 900, 100", "5, 0, 100", "5, -1, 100", "5, 900, 101", "5, 900, 5", "5, 900, 4"})
    void constructor_rejectsInvalidPolicies(int free, long maxDelaySeconds, int hard) {
        assertThatThrownBy(() -> new LockoutPolicy(free, Duration.ofSeconds(maxDelaySeconds), hard))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void constructor_rejectsNullMaxDelay() {
        assertThatThrownBy(() -> new LockoutPolicy(5, null, 100)).isInstanceOf(NullPointerException.class);
    }

    /**
     * The window a conditional write counts a failure in must agree with {@link LockoutPolicy#evaluate}:
     * an attempt is allowed exactly when the last failure is no later than {@code latestFailureAllowed}.
     */
    @ParameterizedTest(name = "{0} failures seen")
    @ValueSource(ints = {0, 1, 4, 5, 6, 10, 15, 50, 99})
    void window_agreesWithEvaluate_onEitherSideOfTheWait(int seen) {
        Instant now = LAST_FAILURE.plus(Duration.ofHours(1));
        AttemptWindow window = POLICY.window(seen, now);
        assertThat(window.seenFailures()).isEqualTo(seen);
        assertThat(window.freeFailures()).isEqualTo(5);
        assertThat(window.hardLimit()).isEqualTo(100);
        if (seen < 5) {
            assertThat(window.latestFailureAllowed()).isEqualTo(now);
            return;
        }
        Instant latest = window.latestFailureAllowed();
        assertThat(POLICY.evaluate(seen, latest, now)).isEqualTo(new LockState.Open());
        assertThat(POLICY.evaluate(seen, latest.plusMillis(1), now)).isInstanceOf(LockState.Throttled.class);
    }

    @Test
    void window_refusesANegativeCount() {
        assertThatThrownBy(() -> POLICY.window(-1, LAST_FAILURE)).isInstanceOf(IllegalArgumentException.class);
    }
}
