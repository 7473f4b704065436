package dev.twofa.app.common;

import static dev.twofa.app.common.Factors.DEVICE;

import dev.twofa.app.api.DeviceProof;
import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException.InvalidCode;
import dev.twofa.app.api.TwoFactorException.WrongState;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.domain.device.DeviceChallenge;
import dev.twofa.domain.device.DeviceKey;
import dev.twofa.domain.device.DevicePolicy;
import dev.twofa.domain.device.RememberedDevice;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.TwoFactorStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A sign-in by a remembered device: it signed the user's current challenge with its key. The lockout
 * applies as to codes: an unknown or revoked device and a wrong signature are counted failures,
 * and the challenge is spent by the transaction that records the sign-in, so one challenge signs in
 * once. A challenge that is no longer current compares nothing and is refused without counting.
 */
public final class DeviceSignIn {
    private final TwoFactorStore store;
    private final AttemptGuard guard;
    private final SecurityEvents events;

    public DeviceSignIn(TwoFactorStore store, AttemptGuard guard, SecurityEvents events) {
        this.store = store;
        this.guard = guard;
        this.events = events;
    }

    /**
     * Checks the device's signature, runs {@code beforeCommit} (signing the assertion), then spends
     * the challenge with the {@code verify_succeeded} audit item in one transaction.
     */
    public <T> T signIn(
            Principal principal, Account account, DeviceProof proof, Instant now, Supplier<T> beforeCommit) {
        if (!account.hasAnyFactor()) {
            throw new WrongState("no second factor is on");
        }
        guard.ensureOpen(account, now);
        String userId = principal.userId();
        DeviceChallenge challenge = store.findDeviceChallenge(userId, now)
                .filter(current -> same(current.value(), proof.challenge()))
                .orElseThrow(() -> new InvalidCode("device challenge not current"));
        Optional<RememberedDevice> device = DevicePolicy.slotOf(proof.deviceId()).stream()
                .boxed()
                .findFirst()
                .flatMap(slot -> store.findDevice(userId, slot, now))
                .filter(stored -> same(stored.id(), proof.deviceId()))
                .filter(stored -> stored.usableWith(account, now));
        if (device.isEmpty()) {
            throw guard.fail(principal, account, DEVICE, now, "unknown or revoked device", Attempt.SIGN_IN);
        }
        if (!DeviceKey.verifies(
                device.get().publicKey(), DeviceChallenge.signedBytes(challenge.value()), proof.signature())) {
            throw guard.fail(principal, account, DEVICE, now, "wrong device signature", Attempt.SIGN_IN);
        }
        T prepared = beforeCommit.get();
        List<SecurityEvent> audit = List.of(principal.event(
                "verify_succeeded", DEVICE, now, Map.of("device", device.get().name())));
        if (!store.useDevice(challenge, device.get(), account.consecutiveFailures(), now, audit)) {
            // A failure counted since the read wins first; else the challenge was spent by a parallel
            // request, or the device or the factors changed meanwhile: a refused attempt, counted.
            throw guard.lostRace(
                    principal,
                    account,
                    now,
                    current -> guard.fail(
                            principal,
                            current,
                            DEVICE,
                            now,
                            "device challenge used or device revoked",
                            Attempt.SIGN_IN));
        }
        audit.forEach(events::committed);
        return prepared;
    }

    /** Constant-time: the id and challenge are not secrets, but nothing about them leaks by timing. */
    private static boolean same(String stored, String presented) {
        return MessageDigest.isEqual(
                stored.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }
}
