package dev.twofa.localrun.adapters;

import dev.twofa.envelope.AesGcm;
import dev.twofa.port.SecretCipher;
import dev.twofa.port.SecretContext;
import dev.twofa.port.SecretIntegrityException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.spec.SecretKeySpec;

/**
 * The local run's stand-in for KMS: AES-256-GCM under a key generated into a file on first use.
 * The encryption context becomes GCM associated data ({@link SecretContext#associatedData()}), so it
 * binds exactly as KMS's does.
 */
public final class AesGcmSecretCipher implements SecretCipher {
    private static final byte VERSION = 1;

    private final SecretKeySpec key;
    private final SecureRandom random;

    public AesGcmSecretCipher(Path keyFile, SecureRandom random) {
        this.key = new SecretKeySpec(KeyFiles.loadOrCreate(keyFile, random), "AES");
        this.random = random;
    }

    @Override
    public byte[] encrypt(byte[] plaintext, SecretContext context) {
        byte[] sealed = AesGcm.seal(key, random, plaintext, context.associatedData());
        return ByteBuffer.allocate(1 + sealed.length).put(VERSION).put(sealed).array();
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, SecretContext context) {
        if (ciphertext.length < 1 + AesGcm.IV_BYTES + AesGcm.TAG_BYTES || ciphertext[0] != VERSION) {
            throw new SecretIntegrityException("ciphertext malformed", null);
        }
        try {
            return AesGcm.open(key, ciphertext, 1, context.associatedData());
        } catch (AEADBadTagException e) {
            throw new SecretIntegrityException("ciphertext not bound to " + context.purpose() + " of this user", e);
        }
    }
}
