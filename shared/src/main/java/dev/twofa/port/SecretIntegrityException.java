package dev.twofa.port;

/**
 * A stored ciphertext could not be decrypted under the context it must be bound to: it was
 * tampered with or copied from another user. Never retryable; logged as a security event.
 */
public final class SecretIntegrityException extends RuntimeException {
    public SecretIntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
