package dev.twofa.wiring;

import dev.twofa.port.WebAuthnVerifier;
import dev.twofa.webauthn.Webauthn4jVerifier;

/**
 * The one place that names webauthn4j's adapter: only the functions that verify a ceremony
 * (webauthn-register, verify-login) ship the library, and {@link Wiring} reaches it through this
 * class, loaded when one of their use cases is built and never by the others.
 */
final class WebAuthnAdapters {
    private WebAuthnAdapters() {}

    static WebAuthnVerifier verifier() {
        return new Webauthn4jVerifier();
    }
}
