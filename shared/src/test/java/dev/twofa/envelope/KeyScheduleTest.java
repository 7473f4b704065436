package dev.twofa.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twofa.port.KeyItems.StoredKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyScheduleTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final KeySchedule SCHEDULE = new KeySchedule(Duration.ofDays(90), Duration.ofDays(1));

    private static StoredKey key(int generation, Instant activeFrom) {
        return new StoredKey(generation, "k" + generation, new byte[0], new byte[1], activeFrom);
    }

    @Test
    void noKey_isDueNow() {
        assertThat(SCHEDULE.nextKeyActiveFrom(List.of(), T0)).contains(T0);
        assertThat(SCHEDULE.signing(List.of(), T0)).isEmpty();
        assertThat(SCHEDULE.published(List.of(), T0)).isEmpty();
    }

    @Test
    void theNextKey_isDueAPublishAheadBeforeTheRotationPeriodEnds_andStartsAPublishAheadLater() {
        List<StoredKey> one = List.of(key(1, T0));
        Instant due = T0.plus(Duration.ofDays(89));

        assertThat(SCHEDULE.nextKeyActiveFrom(one, due.minusSeconds(1))).isEmpty();
        assertThat(SCHEDULE.nextKeyActiveFrom(one, due)).contains(due.plus(Duration.ofDays(1)));
    }

    @Test
    void aPendingKey_isPublishedButDoesNotSign_andNothingMoreIsDue() {
        Instant now = T0.plus(Duration.ofDays(89));
        List<StoredKey> keys = List.of(key(1, T0), key(2, now.plus(Duration.ofDays(1))));

        assertThat(SCHEDULE.signing(keys, now)).map(StoredKey::generation).contains(1);
        assertThat(SCHEDULE.published(keys, now))
                .extracting(StoredKey::generation)
                .containsExactly(1, 2);
        assertThat(SCHEDULE.nextKeyActiveFrom(keys, now)).isEmpty();
    }

    @Test
    void aRetiredKey_staysPublishedForTheLongestAssertionLifetimePlusMargin_thenGoes() {
        Instant switchAt = T0.plus(Duration.ofDays(90));
        List<StoredKey> keys = List.of(key(1, T0), key(2, switchAt));

        assertThat(SCHEDULE.signing(keys, switchAt)).map(StoredKey::generation).contains(2);
        assertThat(SCHEDULE.published(
                        keys, switchAt.plus(KeySchedule.RETIRED_KEPT).minusSeconds(1)))
                .extracting(StoredKey::generation)
                .containsExactly(1, 2);
        assertThat(SCHEDULE.published(keys, switchAt.plus(KeySchedule.RETIRED_KEPT)))
                .extracting(StoredKey::generation)
                .containsExactly(2);
        assertThat(KeySchedule.RETIRED_KEPT).isGreaterThan(Duration.ofMinutes(5));
    }

    @Test
    void aRotationPeriodShorterThanTwicePublishAhead_isRefused() {
        assertThatThrownBy(() -> new KeySchedule(Duration.ofDays(1), Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
