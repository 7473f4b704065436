package dev.twofa.app;

import dev.twofa.port.AssertionSigner;
import dev.twofa.port.PublishedKey;
import java.util.List;
import java.util.Map;

/**
 * The public keys relying apps verify MFA assertions with (RFC 7517 JWK Set): every published key,
 * so a key published ahead of its use and a retired one whose assertions have not expired are both
 * there. Public halves only: serving it needs no KMS call in envelope mode.
 */
public final class Jwks {
    private final AssertionSigner signer;

    public Jwks(AssertionSigner signer) {
        this.signer = signer;
    }

    public Map<String, Object> document() {
        List<Map<String, Object>> keys =
                signer.publishedKeys().stream().map(PublishedKey::jwk).toList();
        return Map.of("keys", keys);
    }
}
