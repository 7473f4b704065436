package dev.twofa.port;

/**
 * Encrypts secrets at rest. Every ciphertext is bound to its owner and purpose (KMS encryption
 * context / AES-GCM associated data), so a ciphertext copied onto another user fails to decrypt.
 */
public interface SecretCipher {

    byte[] encrypt(byte[] plaintext, SecretContext context);

    /** @throws SecretIntegrityException when the ciphertext does not belong to {@code context} */
    byte[] decrypt(byte[] ciphertext, SecretContext context);
}
