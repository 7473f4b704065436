package dev.twofa.domain.sms;

import dev.twofa.domain.RetryAfter;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How many SMS a whole scope (the service, or all numbers of one country) may send per UTC hour: against SMS pumping
 * spread over many users and many numbers, which the per-user and per-number {@link SendLimits} cannot see, and as a
 * ceiling on what an attack can cost per hour.
 *
 * <p>The count lives in fixed hourly buckets split into shards, so that no single stored counter has to take every
 * send of the service (a DynamoDB item takes about 1,000 writes a second). Shard {@code i} of a bucket may take
 * {@link #capOf(int) capOf(i)} sends, and the caps add up to exactly {@link #perHour()}. A send tries the shards in
 * {@link #shardOrder random order} and is refused only when every shard is full, so the hourly total is never
 * exceeded and never refused below it. The approximation is the fixed window: up to twice the budget can go out in
 * the sixty minutes around a bucket boundary.
 *
 * @param perHour sends allowed in one UTC hour
 * @param shards counters the hour is split into; fewer when the budget is smaller (no shard has a cap of zero)
 */
public record SendBudget(int perHour, int shards) {

    /** Generous for any one deployment, and far below what a mistyped value could cost. */
    public static final int MAX_PER_HOUR = 1_000_000;

    /**
     * Ten counters take about 10,000 sends a second between them, a hundred times the API's production throttling
     * (template.yaml), while a refused send tries at most ten conditional writes.
     */
    public static final int DEFAULT_SHARDS = 10;

    public static final int MAX_SHARDS = 100;

    public static final Duration BUCKET = Duration.ofHours(1);

    public SendBudget {
        if (perHour < 1 || perHour > MAX_PER_HOUR) {
            throw new IllegalArgumentException("perHour must be 1.." + MAX_PER_HOUR + ", was " + perHour);
        }
        if (shards < 1 || shards > MAX_SHARDS) {
            throw new IllegalArgumentException("shards must be 1.." + MAX_SHARDS + ", was " + shards);
        }
    }

    /** A budget of {@code perHour} over {@link #DEFAULT_SHARDS} shards. */
    public static SendBudget perHour(int perHour) {
        return new SendBudget(perHour, DEFAULT_SHARDS);
    }

    /** The shards in use: {@link #shards()}, or the budget itself when it is smaller. */
    public int shardCount() {
        return Math.min(shards, perHour);
    }

    /** Sends shard {@code shard} may take in one bucket: an even share, the first few taking the remainder. */
    public int capOf(int shard) {
        int n = shardCount();
        Objects.checkIndex(shard, n);
        return perHour / n + (shard < perHour % n ? 1 : 0);
    }

    /**
     * Every shard once, in an order drawn from {@code random}: spreads parallel sends over the counters, and visits
     * each before refusing.
     */
    public int[] shardOrder(RandomGenerator random) {
        Objects.requireNonNull(random, "random");
        int[] order = new int[shardCount()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Fisher-Yates.
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /** The bucket {@code now} falls in: whole UTC hours since the epoch. */
    public static long bucketOf(Instant now) {
        return Math.floorDiv(now.getEpochSecond(), BUCKET.toSeconds());
    }

    /** When the bucket {@code now} falls in ends, and the next one starts empty. */
    public static Instant bucketEnd(Instant now) {
        return Instant.ofEpochSecond((bucketOf(now) + 1) * BUCKET.toSeconds());
    }

    /**
     * Seconds until the next bucket ({@link RetryAfter}): the Retry-After of a send refused because the budget
     * is spent.
     */
    public static long retryAfterSeconds(Instant now) {
        return RetryAfter.seconds(now, bucketEnd(now));
    }
}
