package dev.twofa.domain.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twofa.domain.account.Account;
import dev.twofa.domain.account.SmsFactor;
import dev.twofa.domain.account.TotpFactor;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RememberedDeviceTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static RememberedDevice deviceAt(Instant created) {
        return new RememberedDevice(
                DevicePolicy.id(3, new byte[16]),
                new byte[91],
                "Chrome on Linux",
                created,
                null,
                created.plus(Duration.ofDays(30)));
    }

    private static Account account(Instant totpOn, Instant smsOn) {
        return new Account(
                "u",
                null,
                totpOn == null ? null : new TotpFactor(new byte[1], 1, totpOn),
                smsOn == null ? null : new SmsFactor(new byte[1], "+45 •••• ••78", smsOn),
                0,
                null,
                null);
    }

    @Test
    void aDeviceStandsWhileAFactorThatWasOnAtItsRegistration_isStillOn() {
        RememberedDevice device = deviceAt(T0.plusSeconds(60));
        Instant now = T0.plusSeconds(120);

        assertThat(device.usableWith(account(T0, null), now)).isTrue();
        // SMS turned on later, the app still on since before: still usable.
        assertThat(device.usableWith(account(T0, T0.plusSeconds(90)), now)).isTrue();
        // The app turned off, SMS on since before the device: still usable (not every factor went off).
        assertThat(device.usableWith(account(null, T0), now)).isTrue();
    }

    @Test
    void everyFactorOff_revokesIt_evenOnceAFactorIsOnAgain() {
        RememberedDevice device = deviceAt(T0.plusSeconds(60));
        Instant now = T0.plusSeconds(300);

        assertThat(device.usableWith(Account.empty("u"), now)).isFalse();
        assertThat(device.usableWith(account(T0.plusSeconds(200), null), now)).isFalse();
        assertThat(device.usableWith(account(T0.plusSeconds(200), T0.plusSeconds(250)), now))
                .isFalse();
    }

    @Test
    void itExpires() {
        RememberedDevice device = deviceAt(T0);

        assertThat(device.usableWith(
                        account(T0, null), T0.plus(Duration.ofDays(30)).minusSeconds(1)))
                .isTrue();
        assertThat(device.usableWith(account(T0, null), T0.plus(Duration.ofDays(30))))
                .isFalse();
    }

    @Test
    void ids_nameTheirSlot_withinTheLimit() {
        assertThat(deviceAt(T0).slot()).isEqualTo(3);
        assertThat(DevicePolicy.slotOf("19AAAAAAAAAAAAAAAAAAAAAA")).hasValue(19);
        assertThat(DevicePolicy.slotOf("20AAAAAAAAAAAAAAAAAAAAAA")).isEmpty();
        assertThat(DevicePolicy.slotOf("0AAAAAAAAAAAAAAAAAAAAAAA")).isEmpty();
        assertThat(DevicePolicy.slotOf(null)).isEmpty();
        assertThatThrownBy(() -> DevicePolicy.id(20, new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }
}
