package dev.twofa.envelope;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM with a random 96-bit IV per message (NIST SP 800-38D §8.2.2), laid out as IV ‖
 * ciphertext ‖ tag. Shared by the local run's cipher and the envelope cipher, so both bind their
 * associated data the same way.
 */
public final class AesGcm {
    public static final int IV_BYTES = 12;
    public static final int TAG_BYTES = 16;

    private AesGcm() {}

    /** IV ‖ ciphertext ‖ tag, authenticated with every part of {@code associatedData} in order. */
    public static byte[] seal(SecretKey key, SecureRandom random, byte[] plaintext, byte[]... associatedData) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, iv));
            for (byte[] part : associatedData) {
                cipher.updateAAD(part);
            }
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(IV_BYTES + sealed.length)
                    .put(iv)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /**
     * Opens what {@link #seal} made, found at {@code offset} of {@code message}.
     *
     * @throws AEADBadTagException when the message or its associated data is not what was sealed
     */
    public static byte[] open(SecretKey key, byte[] message, int offset, byte[]... associatedData)
            throws AEADBadTagException {
        if (message.length - offset < IV_BYTES + TAG_BYTES) {
            throw new AEADBadTagException("message too short");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, message, offset, IV_BYTES));
            for (byte[] part : associatedData) {
                cipher.updateAAD(part);
            }
            return cipher.doFinal(message, offset + IV_BYTES, message.length - offset - IV_BYTES);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }
}
