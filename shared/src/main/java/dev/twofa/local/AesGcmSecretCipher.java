package dev.twofa.local;

import dev.twofa.port.SecretCipher;
import dev.twofa.port.SecretContext;
import dev.twofa.port.SecretIntegrityException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The local run's stand-in for KMS: AES-256-GCM under a key generated into a file on first use.
 * The encryption context becomes GCM associated data, so it binds exactly as KMS's does.
 */
public final class AesGcmSecretCipher implements SecretCipher {
    private static final byte VERSION = 1;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random;

    public AesGcmSecretCipher(Path keyFile, SecureRandom random) {
        this.key = new SecretKeySpec(KeyFiles.loadOrCreate(keyFile, random), "AES");
        this.random = random;
    }

    @Override
    public byte[] encrypt(byte[] plaintext, SecretContext context) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(associatedData(context));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(1 + IV_BYTES + sealed.length)
                    .put(VERSION)
                    .put(iv)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, SecretContext context) {
        if (ciphertext.length < 1 + IV_BYTES + TAG_BITS / 8 || ciphertext[0] != VERSION) {
            throw new SecretIntegrityException("ciphertext malformed", null);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ciphertext, 1, IV_BYTES));
            cipher.updateAAD(associatedData(context));
            return cipher.doFinal(ciphertext, 1 + IV_BYTES, ciphertext.length - 1 - IV_BYTES);
        } catch (AEADBadTagException e) {
            throw new SecretIntegrityException("ciphertext not bound to " + context.purpose() + " of this user", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** Length-prefixed fields, so ("a", "bc") and ("ab", "c") never give the same bytes. */
    private static byte[] associatedData(SecretContext context) {
        byte[] user = context.userId().getBytes(StandardCharsets.UTF_8);
        byte[] purpose = context.purpose().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + user.length + purpose.length)
                .putInt(user.length)
                .put(user)
                .putInt(purpose.length)
                .put(purpose)
                .array();
    }
}
