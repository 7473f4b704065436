package dev.twofa.app;

import dev.twofa.app.api.Principal;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.device.RememberedDevice;
import dev.twofa.port.TwoFactorStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** GET /2fa/devices: the devices the user's account remembers now, newest first. */
public final class ListDevices {
    private final TwoFactorStore store;
    private final Clock clock;

    public ListDevices(TwoFactorStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Expired devices, and those revoked when every factor went off, are not listed. */
    public List<RememberedDevice> list(Principal principal) {
        Instant now = clock.instant();
        String userId = principal.userId();
        Account account = store.findAccount(userId).orElse(Account.empty(userId));
        return store.devices(userId, now).stream()
                .filter(device -> device.usableWith(account, now))
                .sorted(Comparator.comparing(RememberedDevice::createdAt).reversed())
                .toList();
    }
}
