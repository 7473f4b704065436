package dev.twofa.domain.otp;

import java.security.SecureRandom;
import java.util.Objects;

/** Creates TOTP shared secrets. RFC 4226 §7.5 and NIST SP 800-63B §5.1.4.1 require them to come from a CSPRNG. */
public final class SecretGenerator {

    private final SecureRandom random;

    public SecretGenerator(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A fresh secret of {@link OtpPolicy#secretBytes()} bytes (at least 112 bits, enforced by the policy). */
    public byte[] newSecret(OtpPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        byte[] secret = new byte[policy.secretBytes()];
        random.nextBytes(secret);
        return secret;
    }
}
