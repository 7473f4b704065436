package dev.twofa.domain.webauthn;

import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * The one challenge of a ceremony the user may answer now: random, short-lived, and spent by the
 * registration or sign-in it allows (a conditional delete), so a captured response is worth nothing.
 *
 * @param steppedUp whether the options were asked for with a step-up proof (registration only):
 *     a registration whose options had none completes only while the account still has no factor
 */
public record WebAuthnChallenge(String userId, Ceremony ceremony, String value, boolean steppedUp, Instant expiresAt) {
    public WebAuthnChallenge {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(ceremony, "ceremony");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (value == null || !WebAuthnPolicy.CHALLENGE.matcher(value).matches()) {
            throw new IllegalArgumentException("not a WebAuthn challenge");
        }
    }

    /** The challenge's bytes, as the authenticator's client data carries them. */
    public byte[] bytes() {
        return Base64.getUrlDecoder().decode(value);
    }
}
