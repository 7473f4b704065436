package dev.twofa.domain.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twofa.domain.RetryAfter;
import dev.twofa.domain.sms.SendRateLimit.Allowed;
import dev.twofa.domain.sms.SendRateLimit.Decision;
import dev.twofa.domain.sms.SendRateLimit.Limited;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SendRateLimitTest {

    private static final Instant T0 = Instant.parse("2025-01-01T12:00:00Z");

    private final SendRateLimit limit = new SendRateLimit(SendLimits.DEFAULT);

    @Test
    void decide_allowsTheFirstSend_andStoresNow() {
        assertThat(limit.decide(List.of(), T0)).isEqualTo(new Allowed(List.of(T0)));
    }

    @Test
    void decide_limitsASecondSendWithin30Seconds_untilThe30SecondsHavePassed() {
        Decision decision = limit.decide(List.of(T0), T0.plusSeconds(10));

        assertThat(decision).isEqualTo(new Limited(T0.plusSeconds(30)));
        assertThat(((Limited) decision).retryAfterSeconds(T0.plusSeconds(10))).isEqualTo(20);
        assertThat(limit.decide(List.of(T0), T0)).isEqualTo(new Limited(T0.plusSeconds(30)));
        assertThat(limit.decide(List.of(T0), T0.plusSeconds(30).minusNanos(1)))
                .isEqualTo(new Limited(T0.plusSeconds(30)));
    }

    @Test
    void decide_aConfirmedLatestSend_freesTheInterval_butOnlyWhileItIsTheLatest() {
        Instant earlier = T0.minusSeconds(40);
        assertThat(limit.decide(List.of(earlier, T0), Optional.of(T0), T0.plusSeconds(1)))
                .isEqualTo(new Allowed(List.of(earlier, T0, T0.plusSeconds(1))));
        // An older send freed says nothing about the latest one.
        assertThat(limit.decide(List.of(earlier, T0), Optional.of(earlier), T0.plusSeconds(1)))
                .isEqualTo(new Limited(T0.plusSeconds(30)));
    }

    @Test
    void decide_aFreedInterval_stillCountsTheSendTowardTheHour() {
        List<Instant> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(T0.plusSeconds(31L * i));
        }
        Instant last = five.getLast();
        assertThat(limit.decide(five, Optional.of(last), last)).isEqualTo(new Limited(T0.plus(Duration.ofHours(1))));
    }

    @Test
    void decide_allowsTheSecondSend_exactly30SecondsLater() {
        assertThat(limit.decide(List.of(T0), T0.plusSeconds(30)))
                .isEqualTo(new Allowed(List.of(T0, T0.plusSeconds(30))));
    }

    @Test
    void decide_limitsTheSixthSendWithinAnHour_untilTheOldestLeavesTheWindow() {
        List<Instant> five = minutesAfterT0(0, 10, 20, 30, 40);

        assertThat(limit.decide(five, T0.plus(Duration.ofMinutes(50)))).isEqualTo(new Limited(T0.plusSeconds(3600)));
        assertThat(limit.decide(five, T0.plusSeconds(3600).minusNanos(1))).isEqualTo(new Limited(T0.plusSeconds(3600)));
        assertThat(limit.decide(five, T0.plusSeconds(3600))).isEqualTo(new Allowed(minutesAfterT0(10, 20, 30, 40, 60)));
    }

    @Test
    void decide_fiveSendsAreAllowed_thenTheSixthIsNot() {
        List<Instant> stored = List.of();
        for (int minute = 0; minute < 50; minute += 10) {
            Decision decision = limit.decide(stored, T0.plus(Duration.ofMinutes(minute)));
            assertThat(decision).as("send at minute %d", minute).isInstanceOf(Allowed.class);
            stored = ((Allowed) decision).sendsToStore();
        }

        assertThat(stored).hasSize(5);
        assertThat(limit.decide(stored, T0.plus(Duration.ofMinutes(50)))).isInstanceOf(Limited.class);
    }

    @Test
    void decide_slidingWindow_refusesABurstAcrossTheHourThatFixedBucketsWouldAllow() {
        // Five sends in the last two minutes of 12:00-13:00; an hourly bucket would open five more at 13:00.
        List<Instant> lateBurst = List.of(
                Instant.parse("2025-01-01T12:58:00Z"),
                Instant.parse("2025-01-01T12:58:30Z"),
                Instant.parse("2025-01-01T12:59:00Z"),
                Instant.parse("2025-01-01T12:59:30Z"),
                Instant.parse("2025-01-01T12:59:59Z"));

        Decision decision = limit.decide(lateBurst, Instant.parse("2025-01-01T13:00:30Z"));

        assertThat(decision).isEqualTo(new Limited(Instant.parse("2025-01-01T13:58:00Z")));
    }

    @Test
    void decide_whenBothLimitsApply_retryIsTheLaterTime() {
        // Window limit later: five sends in the first four minutes, the last 10 s ago.
        assertThat(limit.decide(minutesAfterT0(0, 1, 2, 3, 4), T0.plusSeconds(250)))
                .isEqualTo(new Limited(T0.plusSeconds(3600)));

        // Interval limit later: the oldest leaves the window at 13:00, but the latest was at 12:59:50.
        List<Instant> sends = List.of(
                T0,
                T0.plusSeconds(58 * 60),
                T0.plusSeconds(58 * 60 + 30),
                T0.plusSeconds(59 * 60),
                T0.plusSeconds(3590));
        assertThat(limit.decide(sends, T0.plusSeconds(3595))).isEqualTo(new Limited(T0.plusSeconds(3620)));
    }

    @Test
    void decide_acceptsUnsortedHistory_andStoresItSorted() {
        List<Instant> shuffled = minutesAfterT0(30, 0, 40, 10, 20);

        assertThat(limit.decide(shuffled, T0.plus(Duration.ofMinutes(50))))
                .isEqualTo(new Limited(T0.plusSeconds(3600)));
        assertThat(limit.decide(minutesAfterT0(30, 10, 20), T0.plus(Duration.ofMinutes(50))))
                .isEqualTo(new Allowed(minutesAfterT0(10, 20, 30, 50)));
    }

    @Test
    void decide_prunesSendsOutsideTheWindow_whichEndsExactlyOneWindowAgo() {
        Instant now = T0.plus(Duration.ofHours(3));
        List<Instant> history = new ArrayList<>(List.of(
                now.minus(Duration.ofHours(2)),
                now.minus(Duration.ofMinutes(61)),
                now.minus(Duration.ofHours(1)), // a send counts while now < sent + window: this one just left
                now.minus(Duration.ofHours(1)).plusNanos(1),
                now.minus(Duration.ofMinutes(5))));

        assertThat(limit.decide(history, now))
                .isEqualTo(new Allowed(
                        List.of(now.minus(Duration.ofHours(1)).plusNanos(1), now.minus(Duration.ofMinutes(5)), now)));
    }

    @Test
    void decide_manyOldSends_areNotCounted_andNotStored() {
        List<Instant> old = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            old.add(T0.minus(Duration.ofHours(2)).plusSeconds(i));
        }

        assertThat(limit.decide(old, T0)).isEqualTo(new Allowed(List.of(T0)));
    }

    @Test
    void decide_storedHistory_neverExceedsMaxPerWindow() {
        Decision decision = limit.decide(minutesAfterT0(0, 10, 20, 30), T0.plus(Duration.ofMinutes(40)));

        assertThat(decision).isInstanceOf(Allowed.class);
        assertThat(((Allowed) decision).sendsToStore()).hasSize(SendLimits.DEFAULT.maxPerWindow());
    }

    @Test
    void decide_moreSendsThanTheLimitInTheWindow_waitsUntilEnoughHaveLeft() {
        // After the limit was lowered from 10 to 5, or after concurrent sends: 7 in the window, so 3 must leave.
        List<Instant> seven = minutesAfterT0(0, 5, 10, 15, 20, 25, 30);

        assertThat(limit.decide(seven, T0.plus(Duration.ofMinutes(35))))
                .isEqualTo(new Limited(T0.plus(Duration.ofMinutes(70))));
    }

    @Test
    void decide_countsSendsStampedInTheFuture_fromClockSkewBetweenInstances() {
        Instant ahead = T0.plusSeconds(5);

        assertThat(limit.decide(List.of(ahead), T0)).isEqualTo(new Limited(ahead.plusSeconds(30)));
    }

    @Test
    void decide_countsDuplicateTimestampsSeparately() {
        List<Instant> sameInstant = List.of(T0, T0, T0, T0, T0);

        assertThat(limit.decide(sameInstant, T0.plusSeconds(60))).isEqualTo(new Limited(T0.plusSeconds(3600)));
    }

    @Test
    void decide_withoutMinimumInterval_allowsBackToBackSends_upToTheWindowLimit() {
        SendRateLimit threePerTenMinutes = new SendRateLimit(new SendLimits(3, Duration.ofMinutes(10), Duration.ZERO));

        assertThat(threePerTenMinutes.decide(List.of(T0, T0), T0)).isEqualTo(new Allowed(List.of(T0, T0, T0)));
        assertThat(threePerTenMinutes.decide(List.of(T0, T0, T0), T0))
                .isEqualTo(new Limited(T0.plus(Duration.ofMinutes(10))));
    }

    @Test
    void decide_withAnInjectedClock_neverLetsMoreThanTheLimitThrough() {
        // A client hammering "resend" every 7 s for 3 hours: the clock is advanced, never slept on.
        Clock start = Clock.fixed(T0, ZoneOffset.UTC);
        List<Instant> stored = List.of();
        List<Instant> sent = new ArrayList<>();
        for (Duration elapsed = Duration.ZERO;
                elapsed.compareTo(Duration.ofHours(3)) < 0;
                elapsed = elapsed.plusSeconds(7)) {
            Instant now = Clock.offset(start, elapsed).instant();
            Decision decision = limit.decide(stored, now);
            if (decision instanceof Allowed allowed) {
                stored = allowed.sendsToStore();
                sent.add(now);
            } else {
                Limited limited = (Limited) decision;
                assertThat(limited.retryAt()).isAfter(now);
                assertThat(limited.retryAfterSeconds(now)).isBetween(1L, 3600L);
            }
        }

        assertThat(sent).hasSize(15); // 5 per hour for 3 hours
        for (int i = 1; i < sent.size(); i++) {
            assertThat(Duration.between(sent.get(i - 1), sent.get(i))).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
        }
        for (int i = 5; i < sent.size(); i++) {
            assertThat(Duration.between(sent.get(i - 5), sent.get(i))).isGreaterThanOrEqualTo(Duration.ofHours(1));
        }
    }

    @Test
    void limited_retryAfterSeconds_isRetryAftersRounding() {
        Limited limited = new Limited(T0.plusSeconds(20).plusNanos(1));
        assertThat(limited.retryAfterSeconds(T0)).isEqualTo(21).isEqualTo(RetryAfter.seconds(T0, limited.retryAt()));
    }

    @Test
    void allowed_copiesAndFreezesTheList() {
        List<Instant> sends = new ArrayList<>(List.of(T0));
        Allowed allowed = new Allowed(sends);

        sends.add(T0.plusSeconds(1));

        assertThat(allowed.sendsToStore()).containsExactly(T0);
        assertThatThrownBy(() -> allowed.sendsToStore().add(T0)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void decide_refusesNulls() {
        assertThatThrownBy(() -> limit.decide(null, T0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> limit.decide(List.of(), null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> limit.decide(Arrays.asList(T0, null), T0.plusSeconds(60)))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new SendRateLimit(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Limited(null)).isInstanceOf(NullPointerException.class);
    }

    private static List<Instant> minutesAfterT0(int... minutes) {
        return Arrays.stream(minutes)
                .mapToObj(m -> T0.plus(Duration.ofMinutes(m)))
                .toList();
    }
}
