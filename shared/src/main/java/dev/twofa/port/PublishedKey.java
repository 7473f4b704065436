package dev.twofa.port;

import dev.twofa.domain.assertion.EcJwk;
import java.security.interfaces.ECPublicKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A public key that verifies our assertions, with its JWK (kty, crv, x, y, kid, use, alg) for the JWKS. */
public record PublishedKey(String kid, ECPublicKey key, Map<String, Object> jwk) {

    public PublishedKey {
        // Unmodifiable, in the member order EcJwk gives (kty, crv, x, y, kid, use, alg).
        jwk = Collections.unmodifiableMap(new LinkedHashMap<>(jwk));
    }

    public static PublishedKey of(ECPublicKey key) {
        Map<String, Object> jwk = EcJwk.of(key);
        return new PublishedKey((String) jwk.get("kid"), key, jwk);
    }
}
