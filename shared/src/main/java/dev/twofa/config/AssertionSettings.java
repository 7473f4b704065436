package dev.twofa.config;

import java.time.Duration;
import java.util.Objects;

/** Who signs MFA assertions and for whom; they live at most five minutes. */
public record AssertionSettings(String issuer, String audience, Duration lifetime) {
    public static final Duration MAX_LIFETIME = Duration.ofMinutes(5);

    public AssertionSettings {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(lifetime, "lifetime");
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("assertion lifetime must be within (0, 5 min]");
        }
    }
}
