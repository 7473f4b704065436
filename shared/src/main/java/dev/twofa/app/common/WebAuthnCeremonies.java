package dev.twofa.app.common;

import dev.twofa.config.WebAuthnSettings;
import dev.twofa.domain.webauthn.Ceremony;
import dev.twofa.domain.webauthn.WebAuthnChallenge;
import dev.twofa.domain.webauthn.WebAuthnPolicy;
import dev.twofa.port.WebAuthnVerifier;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

/** What the WebAuthn steps share: a fresh challenge, and what a response must match. */
public final class WebAuthnCeremonies {
    private final WebAuthnSettings settings;
    private final SecureRandom random;

    public WebAuthnCeremonies(WebAuthnSettings settings, SecureRandom random) {
        this.settings = settings;
        this.random = random;
    }

    public WebAuthnSettings settings() {
        return settings;
    }

    public WebAuthnChallenge newChallenge(String userId, Ceremony ceremony, boolean steppedUp, Instant now) {
        byte[] bytes = new byte[WebAuthnPolicy.CHALLENGE_BYTES];
        random.nextBytes(bytes);
        return new WebAuthnChallenge(
                userId,
                ceremony,
                Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                steppedUp,
                now.plus(WebAuthnPolicy.CHALLENGE_LIFETIME));
    }

    public WebAuthnVerifier.Expected expected(WebAuthnChallenge challenge) {
        return new WebAuthnVerifier.Expected(
                settings.origins(), settings.rpId(), challenge.bytes(), settings.userVerificationRequired());
    }
}
