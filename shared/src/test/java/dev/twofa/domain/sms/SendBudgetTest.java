package dev.twofa.domain.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SendBudgetTest {

    private static final Instant HOUR = Instant.parse("2025-01-01T12:00:00Z");

    @ParameterizedTest(name = "{0} per hour over {1} shards")
    @CsvSource({"1,10", "7,10", "10,10", "11,10", "95,10", "100,10", "1000,10", "1000000,10", "5,1", "250,100"})
    void caps_addUpToExactlyTheBudget_andNoShardHasACapOfZero(int perHour, int shards) {
        SendBudget budget = new SendBudget(perHour, shards);

        int[] caps = IntStream.range(0, budget.shardCount()).map(budget::capOf).toArray();

        assertThat(Arrays.stream(caps).sum()).isEqualTo(perHour);
        assertThat(Arrays.stream(caps).min().orElseThrow()).isPositive();
        // Even shares: no shard is a hot spot the others are not.
        assertThat(Arrays.stream(caps).max().orElseThrow()
                        - Arrays.stream(caps).min().orElseThrow())
                .isLessThanOrEqualTo(1);
    }

    @Test
    void shardCount_isTheBudget_whenTheBudgetIsSmallerThanTheShards() {
        assertThat(SendBudget.perHour(3).shardCount()).isEqualTo(3);
        assertThat(SendBudget.perHour(300).shardCount()).isEqualTo(SendBudget.DEFAULT_SHARDS);
    }

    @Test
    void capOf_refusesAShardOutsideTheBudget() {
        SendBudget budget = SendBudget.perHour(3);

        assertThatThrownBy(() -> budget.capOf(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> budget.capOf(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void shardOrder_visitsEveryShardOnce() {
        SendBudget budget = SendBudget.perHour(300);
        SplittableRandom random = new SplittableRandom(42);

        for (int i = 0; i < 100; i++) {
            assertThat(budget.shardOrder(random)).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        }
    }

    @Test
    void shardOrder_startsOnEveryShard_soParallelSendsSpreadOverThem() {
        SendBudget budget = SendBudget.perHour(300);
        SplittableRandom random = new SplittableRandom(7);
        Set<Integer> firstShards = new HashSet<>();

        for (int i = 0; i < 1000; i++) {
            firstShards.add(budget.shardOrder(random)[0]);
        }

        assertThat(firstShards).hasSize(SendBudget.DEFAULT_SHARDS);
    }

    @Test
    void bucket_isTheUtcHour_andTheRetryWaitsForTheNextOne() {
        assertThat(SendBudget.bucketOf(HOUR)).isEqualTo(HOUR.getEpochSecond() / 3600);
        assertThat(SendBudget.bucketOf(HOUR.plusSeconds(3599))).isEqualTo(SendBudget.bucketOf(HOUR));
        assertThat(SendBudget.bucketOf(HOUR.plusSeconds(3600))).isEqualTo(SendBudget.bucketOf(HOUR) + 1);
        assertThat(SendBudget.bucketEnd(HOUR.plusSeconds(1800))).isEqualTo(HOUR.plusSeconds(3600));

        assertThat(SendBudget.retryAfterSeconds(HOUR)).isEqualTo(3600);
        assertThat(SendBudget.retryAfterSeconds(HOUR.plusSeconds(1800))).isEqualTo(1800);
        // Rounded up, and never 0: a retry at 12:59:59.5 + 0 s would be refused again.
        assertThat(SendBudget.retryAfterSeconds(HOUR.plusSeconds(3599).plusMillis(500)))
                .isEqualTo(1);
        assertThat(SendBudget.retryAfterSeconds(HOUR.plusSeconds(1800).plusMillis(1)))
                .isEqualTo(1800);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, SendBudget.MAX_PER_HOUR + 1})
    void constructor_refusesABudgetOutOfRange(int perHour) {
        assertThatThrownBy(() -> SendBudget.perHour(perHour))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("perHour");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, SendBudget.MAX_SHARDS + 1})
    void constructor_refusesAShardCountOutOfRange(int shards) {
        assertThatThrownBy(() -> new SendBudget(100, shards))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shards");
    }
}
