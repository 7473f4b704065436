package dev.twofa.app;

import static dev.twofa.app.common.Factors.DEVICE;

import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException.InvalidRequest;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.domain.device.DevicePolicy;
import dev.twofa.domain.device.RememberedDevice;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.TwoFactorStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * POST /2fa/devices/revoke: forgets one remembered device, or all of them. Needs no step-up: it only
 * takes a way of signing in away (the next sign-in asks for a factor again).
 */
public final class RevokeDevices {
    private final TwoFactorStore store;
    private final SecurityEvents events;
    private final Clock clock;

    public RevokeDevices(TwoFactorStore store, SecurityEvents events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    /** Forgets the device {@code deviceId}; an id the user has no device under is refused. */
    public void revoke(Principal principal, String deviceId) {
        Instant now = clock.instant();
        int slot = DevicePolicy.slotOf(deviceId)
                .orElseThrow(() -> new InvalidRequest("id", "The id is not a remembered device's id."));
        RememberedDevice device = store.findDevice(principal.userId(), slot, now)
                .filter(d -> d.id().equals(deviceId))
                .orElseThrow(() -> new InvalidRequest("id", "This account remembers no device with this id."));
        List<SecurityEvent> audit =
                List.of(principal.event("device_revoked", DEVICE, now, Map.of("device", device.name())));
        if (!store.revokeDevice(principal.userId(), deviceId, slot, audit)) {
            throw new InvalidRequest("id", "This account remembers no device with this id.");
        }
        audit.forEach(events::committed);
    }

    /** Forgets every remembered device ("forget all devices"); returns how many items were removed. */
    public int revokeAll(Principal principal) {
        Instant now = clock.instant();
        List<RememberedDevice> devices = store.devices(principal.userId(), now);
        if (devices.isEmpty()) {
            // Nothing was forgotten: no write, no audit item, no event for the relying app.
            return 0;
        }
        List<SecurityEvent> audit = List.of(
                principal.event("devices_revoked", DEVICE, now, Map.of("count", Integer.toString(devices.size()))));
        store.revokeDevices(principal.userId(), devices, audit);
        audit.forEach(events::committed);
        return devices.size();
    }
}
