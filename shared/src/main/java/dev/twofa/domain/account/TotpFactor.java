package dev.twofa.domain.account;

import java.time.Instant;
import java.util.Objects;

/**
 * An enabled authenticator-app factor: the KMS-encrypted secret and the last accepted time step
 * (RFC 6238 §5.2: a step at or below it is never accepted again).
 */
public record TotpFactor(byte[] secretCiphertext, long lastStep, Instant enabledAt) {
    public TotpFactor {
        Objects.requireNonNull(secretCiphertext, "secretCiphertext");
        Objects.requireNonNull(enabledAt, "enabledAt");
        secretCiphertext = secretCiphertext.clone();
    }

    @Override
    public byte[] secretCiphertext() {
        return secretCiphertext.clone();
    }
}
