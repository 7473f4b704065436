package dev.twofa.app;

import dev.twofa.port.AssertionSigner;
import java.util.List;
import java.util.Map;

/** The public keys relying apps verify MFA assertions with (RFC 7517 JWK Set). */
public final class Jwks {
    private final AssertionSigner signer;

    public Jwks(AssertionSigner signer) {
        this.signer = signer;
    }

    public Map<String, Object> document() {
        return Map.of("keys", List.of(signer.publicJwk()));
    }
}
