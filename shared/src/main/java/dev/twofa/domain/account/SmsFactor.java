package dev.twofa.domain.account;

import java.time.Instant;
import java.util.Objects;

/**
 * An enabled SMS factor: the phone number, KMS-encrypted and bound to its user, and its masked
 * form, the only form ever shown or logged.
 */
public record SmsFactor(byte[] phoneCiphertext, String maskedPhone, Instant enabledAt) {
    public SmsFactor {
        Objects.requireNonNull(phoneCiphertext, "phoneCiphertext");
        Objects.requireNonNull(maskedPhone, "maskedPhone");
        Objects.requireNonNull(enabledAt, "enabledAt");
        phoneCiphertext = phoneCiphertext.clone();
    }

    @Override
    public byte[] phoneCiphertext() {
        return phoneCiphertext.clone();
    }
}
