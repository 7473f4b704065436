package dev.twofa.domain.device;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/** The rules of remembered devices: how many, how long, and the shape of their ids and challenges. */
public final class DevicePolicy {
    /** At most this many remembered devices per user: one item per slot, so a conditional put holds the limit. */
    public static final int MAX_DEVICES = 20;
    /** How long a device is remembered unless configured (DEVICE_LIFETIME_DAYS). */
    public static final Duration DEFAULT_LIFETIME = Duration.ofDays(30);
    /** The longest a device may be remembered. */
    public static final Duration MAX_LIFETIME = Duration.ofDays(90);
    /** A sign-in challenge is signed at once by the browser; a short life keeps a captured one useless. */
    public static final Duration CHALLENGE_LIFETIME = Duration.ofMinutes(2);
    /** Two digits of slot, then 128 random bits in base64url. */
    public static final Pattern ID = Pattern.compile("[0-9]{2}[A-Za-z0-9_-]{22}");
    /** 256 random bits in base64url. */
    public static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

    public static final int CHALLENGE_BYTES = 32;

    private DevicePolicy() {}

    /** The slot an id names, when it is a well-formed id of a slot within the limit. */
    public static OptionalInt slotOf(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return OptionalInt.empty();
        }
        int slot = Integer.parseInt(id.substring(0, 2));
        return slot < MAX_DEVICES ? OptionalInt.of(slot) : OptionalInt.empty();
    }

    /** A new id in {@code slot}, from 16 random bytes. */
    public static String id(int slot, byte[] random16) {
        if (slot < 0 || slot >= MAX_DEVICES || random16.length != 16) {
            throw new IllegalArgumentException("slot or randomness out of range");
        }
        return "%02d".formatted(slot)
                + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random16);
    }
}
