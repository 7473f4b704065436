package dev.twofa.domain.account;

import java.time.Instant;
import java.util.Objects;

/**
 * The WebAuthn factor as the account item holds it: how many security keys or passkeys are
 * registered (the credentials themselves are items of their own) and since when at least one has
 * been, without a break. On while {@code credentials > 0}.
 */
public record WebAuthnFactor(int credentials, Instant enabledAt) {
    public WebAuthnFactor {
        Objects.requireNonNull(enabledAt, "enabledAt");
        if (credentials < 1) {
            throw new IllegalArgumentException("a WebAuthn factor has at least one credential");
        }
    }
}
