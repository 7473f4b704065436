package dev.twofa.port;

import java.util.List;
import java.util.Optional;

/**
 * Signs MFA assertions (ES256: ECDSA on P-256 with SHA-256) and names the public keys that verify
 * them. In AWS either KMS Sign with a key whose private half never leaves KMS, or (envelope) a key
 * pair kept encrypted under the stack's KMS key and used in memory; keys rotate, so verifying goes
 * by {@code kid} over every published key.
 */
public interface AssertionSigner {

    /**
     * The key that signs now. The kid and the signature come from one object, so a rotation between
     * writing the JWS header and signing cannot put one key's kid on another key's signature.
     */
    SigningKey signingKey();

    /**
     * Every public key relying parties must accept now (the JWKS document): the signing key, a key
     * published ahead of its first use, and retired keys whose assertions may not have expired yet.
     */
    List<PublishedKey> publishedKeys();

    /** The published key with this {@code kid}, for checking an assertion that comes back as a step-up proof. */
    default Optional<PublishedKey> publishedKey(String kid) {
        return publishedKeys().stream().filter(k -> k.kid().equals(kid)).findFirst();
    }

    /** One signing key, as chosen for one assertion. */
    interface SigningKey {
        /** The JWK {@code kid}: the RFC 7638 thumbprint of the public key. */
        String kid();

        /** The JOSE signature (R ‖ S, 64 bytes) over the JWS signing input. */
        byte[] sign(byte[] signingInput);
    }
}
