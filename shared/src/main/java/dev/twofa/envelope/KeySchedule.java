package dev.twofa.envelope;

import dev.twofa.port.KeyItems.StoredKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which assertion key signs, which are published, and when the next one is due: a pure function of
 * the key items and the time, so every instance reading the same items agrees.
 *
 * <ul>
 *   <li>The signing key is the newest generation whose {@code activeFrom} has come.
 *   <li>A key is created {@link #publishAhead} before it signs, so relying parties whose cached JWKS
 *       predates it refetch and have it before the first assertion carries its kid.
 *   <li>A key stops signing when its successor becomes active, and stays published for {@link
 *       #RETIRED_KEPT} more: its last assertion has expired by then.
 * </ul>
 */
public record KeySchedule(Duration rotationPeriod, Duration publishAhead) {
    /**
     * How long a retired key stays in the JWKS: the longest assertion lifetime (5 min), plus the
     * verifier's clock skew and a margin for instances' clocks.
     */
    public static final Duration RETIRED_KEPT = Duration.ofMinutes(5).plusMinutes(2);

    public static final Duration DEFAULT_ROTATION = Duration.ofDays(90);
    /** Above the usual JWKS cache lifetimes of relying-party libraries (minutes to an hour). */
    public static final Duration DEFAULT_PUBLISH_AHEAD = Duration.ofHours(24);

    public KeySchedule {
        if (publishAhead.isNegative() || rotationPeriod.compareTo(publishAhead.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("the rotation period must be at least twice the publish-ahead time");
        }
    }

    public static KeySchedule defaults() {
        return new KeySchedule(DEFAULT_ROTATION, DEFAULT_PUBLISH_AHEAD);
    }

    /** The key that signs at {@code now}: the newest active generation. */
    public Optional<StoredKey> signing(List<StoredKey> keys, Instant now) {
        StoredKey signing = null;
        for (StoredKey key : keys) {
            if (!key.activeFrom().isAfter(now) && (signing == null || key.generation() > signing.generation())) {
                signing = key;
            }
        }
        return Optional.ofNullable(signing);
    }

    /** The keys relying parties must accept at {@code now}, oldest first. */
    public List<StoredKey> published(List<StoredKey> keys, Instant now) {
        List<StoredKey> published = new ArrayList<>();
        for (StoredKey key : keys) {
            Optional<Instant> retired = keys.stream()
                    .filter(k ->
                            k.generation() > key.generation() && !k.activeFrom().isAfter(now))
                    .map(StoredKey::activeFrom)
                    .min(Instant::compareTo);
            if (retired.isEmpty() || now.isBefore(retired.get().plus(RETIRED_KEPT))) {
                published.add(key);
            }
        }
        return published;
    }

    /**
     * When a new key must be created at {@code now}, the time it starts signing: none yet or none
     * active (now: nothing signs without it, and a relying party refetches the JWKS for an unknown kid); the newest one due for rotation (publish-ahead from
     * now). Empty when nothing is due.
     */
    public Optional<Instant> nextKeyActiveFrom(List<StoredKey> keys, Instant now) {
        if (signing(keys, now).isEmpty()) {
            return Optional.of(now);
        }
        StoredKey newest = keys.getLast();
        Instant due = newest.activeFrom().plus(rotationPeriod).minus(publishAhead);
        return now.isBefore(due) ? Optional.empty() : Optional.of(now.plus(publishAhead));
    }
}
