package dev.twofa.port;

import java.security.interfaces.ECPublicKey;
import java.util.Map;

/**
 * Signs MFA assertions with an asymmetric key whose private half never leaves the key service
 * (KMS in AWS). ES256: ECDSA on P-256 with SHA-256.
 */
public interface AssertionSigner {

    /** The JWK {@code kid} of the signing key. */
    String keyId();

    /** The JOSE signature (R ‖ S, 64 bytes) over the JWS signing input. */
    byte[] sign(byte[] signingInput);

    /** The public key, to check assertions this service issued when one comes back as a step-up proof. */
    ECPublicKey publicKey();

    /** The public key as a JWK (kty, crv, x, y, kid, use, alg), for the JWKS document. */
    Map<String, Object> publicJwk();
}
