package dev.twofa.envelope;

import dev.twofa.port.SecretCipher;
import dev.twofa.port.SecretContext;

/**
 * Ciphertexts say how they were made, so an operator can switch SECRETS_ENCRYPTION either way and
 * every stored secret still decrypts: an envelope ciphertext starts with {@code 0x00 0x01}; anything
 * else is a KMS ciphertext blob, as every secret stored before the envelope mode existed (a real KMS
 * blob starts with its version byte 0x01, moto's with the key id in ASCII: neither with 0x00).
 *
 * <p>Encrypts with the configured mode; decrypts by the ciphertext's own format.
 */
public final class SecretFormat implements SecretCipher {
    static final byte[] ENVELOPE_PREFIX = {0x00, 0x01};

    private final SecretCipher writer;
    private final SecretCipher kms;
    private final SecretCipher envelope;

    /**
     * @param envelopeWrites whether new ciphertexts are envelope ones (else KMS)
     */
    public SecretFormat(boolean envelopeWrites, SecretCipher kms, SecretCipher envelope) {
        this.writer = envelopeWrites ? envelope : kms;
        this.kms = kms;
        this.envelope = envelope;
    }

    /** Unwraps the envelope data key ahead of first use when new secrets are written under it (see {@link EnvelopeSecretCipher#loadKeys}). */
    public void loadKeys() {
        if (writer == envelope && envelope instanceof EnvelopeSecretCipher keys) {
            keys.loadKeys();
        }
    }

    static boolean isEnvelope(byte[] ciphertext) {
        return ciphertext.length >= 2 && ciphertext[0] == ENVELOPE_PREFIX[0] && ciphertext[1] == ENVELOPE_PREFIX[1];
    }

    @Override
    public byte[] encrypt(byte[] plaintext, SecretContext context) {
        return writer.encrypt(plaintext, context);
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, SecretContext context) {
        return (isEnvelope(ciphertext) ? envelope : kms).decrypt(ciphertext, context);
    }
}
