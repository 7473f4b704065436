package dev.twofa.domain.device;

import dev.twofa.domain.account.Account;
import dev.twofa.domain.account.SmsFactor;
import dev.twofa.domain.account.TotpFactor;
import dev.twofa.domain.account.WebAuthnFactor;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A browser the user asked to remember after a second factor: the public half of a P-256 key pair
 * the browser made non-extractable (WebCrypto, kept in IndexedDB), so the device can prove itself by
 * signing a fresh challenge and nobody can copy the private half out of it. What is stored here
 * (the public key, the name) lets no one sign in: a database dump holds no secret of the device.
 *
 * @param id {@link DevicePolicy#ID} : its slot (two digits) and 22 random characters
 * @param publicKey the key's X.509 SubjectPublicKeyInfo (DER), checked by {@link DeviceKey#parse}
 * @param name from the user agent at registration ({@link DeviceNames}), for the user's list
 * @param lastUsedAt null until its first sign-in
 */
public record RememberedDevice(
        String id, byte[] publicKey, String name, Instant createdAt, Instant lastUsedAt, Instant expiresAt) {

    public RememberedDevice {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (!DevicePolicy.ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a device id");
        }
        publicKey = publicKey.clone();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The slot the id names: a user has at most {@link DevicePolicy#MAX_DEVICES}, one per slot. */
    public int slot() {
        return DevicePolicy.slotOf(id).orElseThrow();
    }

    /**
     * Whether the device still stands for this account now: unexpired, and registered while a
     * factor that is still on was already on. Turning every factor off (the user, or support's
     * reset) revokes every device remembered before: each factor on afterwards is newer than them.
     */
    public boolean usableWith(Account account, Instant now) {
        return expiresAt.isAfter(now)
                && earliestFactorOn(account).filter(f -> !f.isAfter(createdAt)).isPresent();
    }

    /**
     * The time since which the account has had a factor on without a break: a device registered
     * before it was revoked when the last factor went off. Empty when no factor is on.
     */
    public static Optional<Instant> earliestFactorOn(Account account) {
        return Stream.concat(
                        account.totpFactor().map(TotpFactor::enabledAt).stream(),
                        Stream.concat(
                                account.smsFactor().map(SmsFactor::enabledAt).stream(),
                                account.webauthnFactor().map(WebAuthnFactor::enabledAt).stream()))
                .min(Instant::compareTo);
    }
}
