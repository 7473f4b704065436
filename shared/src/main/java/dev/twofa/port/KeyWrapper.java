package dev.twofa.port;

import java.util.Map;

/**
 * The key service (KMS in AWS) that wraps this service's own keys: the envelope data key of the
 * secrets and the envelope assertion-signing key. Every wrapped key is bound to an encryption
 * context naming its purpose and key id, so a wrapped key copied onto another item fails to unwrap.
 */
public interface KeyWrapper {

    /** A fresh AES-256 key: its plaintext (kept in memory only) and its wrapped form (stored). */
    record DataKey(byte[] plaintext, byte[] wrapped) {}

    DataKey generateDataKey(Map<String, String> context);

    byte[] wrap(byte[] plaintext, Map<String, String> context);

    /** @throws SecretIntegrityException when {@code wrapped} was not made under {@code context} */
    byte[] unwrap(byte[] wrapped, Map<String, String> context);
}
