package dev.twofa.app;

import dev.twofa.app.api.Principal;
import dev.twofa.domain.device.DeviceChallenge;
import dev.twofa.domain.device.DevicePolicy;
import dev.twofa.port.TwoFactorStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;

/**
 * POST /2fa/devices/challenge: a fresh random challenge for a remembered device to sign at sign-in.
 * One per user (a new one replaces the last), short-lived, spent by the sign-in it allows.
 */
public final class DeviceChallenges {
    private final TwoFactorStore store;
    private final SecureRandom random;
    private final Clock clock;

    public DeviceChallenges(TwoFactorStore store, SecureRandom random, Clock clock) {
        this.store = store;
        this.random = random;
        this.clock = clock;
    }

    public DeviceChallenge issue(Principal principal) {
        Instant now = clock.instant();
        byte[] bytes = new byte[DevicePolicy.CHALLENGE_BYTES];
        random.nextBytes(bytes);
        DeviceChallenge challenge = new DeviceChallenge(
                principal.userId(),
                Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                now.plus(DevicePolicy.CHALLENGE_LIFETIME));
        store.putDeviceChallenge(challenge);
        return challenge;
    }
}
