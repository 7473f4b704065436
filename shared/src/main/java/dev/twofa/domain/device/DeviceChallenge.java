package dev.twofa.domain.device;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * The one sign-in challenge a user's remembered device may sign now: random, short-lived and spent
 * by the sign-in it allows (a conditional delete), so a captured signature is worth nothing.
 */
public record DeviceChallenge(String userId, String value, Instant expiresAt) {
    /** What a device signs: the challenge under a fixed label, so the key signs nothing else of ours. */
    public static final String LABEL = "twofa-remembered-device-v1:";

    public DeviceChallenge {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (value == null || !DevicePolicy.CHALLENGE.matcher(value).matches()) {
            throw new IllegalArgumentException("not a device challenge");
        }
    }

    /** The bytes the device's key signs (ECDSA P-256, SHA-256): the label and the challenge, UTF-8. */
    public static byte[] signedBytes(String challenge) {
        return (LABEL + challenge).getBytes(StandardCharsets.UTF_8);
    }
}
