package dev.twofa.app;

import static dev.twofa.app.common.Factors.DEVICE;

import dev.twofa.app.api.Credential;
import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException;
import dev.twofa.app.api.TwoFactorException.InvalidRequest;
import dev.twofa.app.api.TwoFactorException.StepUpRequired;
import dev.twofa.app.api.TwoFactorException.WrongState;
import dev.twofa.app.common.Attempt;
import dev.twofa.app.common.CodeVerifier;
import dev.twofa.app.common.Notifications;
import dev.twofa.app.common.Recipients;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.domain.device.DeviceKey;
import dev.twofa.domain.device.DeviceNames;
import dev.twofa.domain.device.DevicePolicy;
import dev.twofa.domain.device.RememberedDevice;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.TwoFactorStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * POST /2fa/devices: remembers this browser, right after a second factor passed. The proof is the
 * sign-in assertion that second factor just earned (at most 5 minutes old, spent here once): the
 * identity provider's token alone, which only proves the password, can never remember a device, nor
 * can the assertion of a remembered device's own sign-in.
 */
public final class RegisterDevice {
    private final TwoFactorStore store;
    private final CodeVerifier verifier;
    private final SecurityEvents events;
    private final Notifications notifications;
    private final SecureRandom random;
    private final Clock clock;
    private final Duration lifetime;

    public RegisterDevice(
            TwoFactorStore store,
            CodeVerifier verifier,
            SecurityEvents events,
            Notifications notifications,
            SecureRandom random,
            Clock clock,
            Duration lifetime) {
        this.store = store;
        this.verifier = verifier;
        this.events = events;
        this.notifications = notifications;
        this.random = random;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** @param publicKey the device key's SubjectPublicKeyInfo (DER), as WebCrypto exports it */
    public RememberedDevice register(Principal principal, Optional<Credential> proof, byte[] publicKey) {
        Instant now = clock.instant();
        String userId = principal.userId();
        if (DeviceKey.parse(publicKey).isEmpty()) {
            throw new InvalidRequest("publicKey", "The public key must be a P-256 key in SubjectPublicKeyInfo form.");
        }
        Credential assertion = proof.filter(p -> p instanceof Credential.SignInAssertion)
                .orElseThrow(() -> new StepUpRequired(List.of("assertion")));
        Account account = store.findAccount(userId).orElse(Account.empty(userId));
        Instant revokedBefore =
                RememberedDevice.earliestFactorOn(account).orElseThrow(() -> new WrongState("no second factor is on"));
        CodeVerifier.Proof passed = verifier.check(principal, account, assertion, now, Attempt.CHANGE);
        int slot = freeSlot(store.devices(userId, now), account, now)
                .orElseThrow(() -> new WrongState(
                        "this account remembers " + DevicePolicy.MAX_DEVICES + " devices already; forget one first"));
        byte[] id = new byte[16];
        random.nextBytes(id);
        RememberedDevice device = new RememberedDevice(
                DevicePolicy.id(slot, id),
                publicKey,
                DeviceNames.fromUserAgent(principal.userAgent()),
                now,
                null,
                now.plus(lifetime));
        List<SecurityEvent> audit = new ArrayList<>(verifier.spendEvents(principal, passed, now, Attempt.CHANGE));
        audit.add(principal.event("device_registered", DEVICE, now, Map.of("device", device.name())));
        if (!store.registerDevice(userId, device, revokedBefore, passed.spend(), now, audit)) {
            throw verifier.refused(
                    principal, account, passed, now, Attempt.CHANGE, current -> refusal(current, slot, now));
        }
        audit.forEach(events::committed);
        // After the commit, best effort: a failed notice never undoes the registration.
        notifications.deviceRemembered(Recipients.of(principal, account), device.name(), device.expiresAt());
        return device;
    }

    /** The lowest slot no usable device holds (an expired or revoked one may be overwritten). */
    private static Optional<Integer> freeSlot(List<RememberedDevice> devices, Account account, Instant now) {
        Set<Integer> taken = devices.stream()
                .filter(d -> d.usableWith(account, now))
                .map(RememberedDevice::slot)
                .collect(Collectors.toSet());
        return IntStream.range(0, DevicePolicy.MAX_DEVICES)
                .filter(slot -> !taken.contains(slot))
                .boxed()
                .findFirst();
    }

    /** Why the registration's own condition failed, from the account as it is now; empty: the proof was spent. */
    private Optional<TwoFactorException> refusal(Account current, int slot, Instant now) {
        if (!current.hasAnyFactor()) {
            return Optional.of(new WrongState("no second factor is on"));
        }
        return store.findDevice(current.userId(), slot, now)
                .filter(d -> d.usableWith(current, now))
                .map(d -> new WrongState("another device was remembered at the same time; try again"));
    }
}
