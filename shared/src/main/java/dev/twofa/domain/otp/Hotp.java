package dev.twofa.domain.otp;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-based one-time password, RFC 4226 §5.3, the building block of TOTP. */
public final class Hotp {

    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private Hotp() {}

    /**
     * Computes HOTP(K, C) = Truncate(HMAC(K, C)) mod 10^digits, zero-padded to {@code digits} characters.
     *
     * @param key the shared secret, never empty
     * @param counter the moving factor, an 8-byte big-endian value (RFC 4226 §5.1)
     * @param digits 6 to 8
     */
    public static String generate(byte[] key, long counter, int digits, HmacAlgorithm alg) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(alg, "alg");
        if (key.length == 0) {
            throw new IllegalArgumentException("key must not be empty");
        }
        if (digits < 6 || digits > 8) {
            // RFC 4226 §5.3 R4: at least 6 digits.
            throw new IllegalArgumentException("digits must be 6..8, was " + digits);
        }
        byte[] hash =
                hmac(alg, key, ByteBuffer.allocate(Long.BYTES).putLong(counter).array());
        // Dynamic truncation, RFC 4226 §5.3: the low nibble of the last byte picks the offset, and the top bit is
        // masked so the result does not depend on signed/unsigned arithmetic.
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24)
                | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8)
                | (hash[offset + 3] & 0xff);
        int otp = binary % POWERS_OF_TEN[digits];
        // Leading zeros are significant: "07081804" is a valid RFC 6238 code.
        StringBuilder code = new StringBuilder(digits).append(otp);
        while (code.length() < digits) {
            code.insert(0, '0');
        }
        return code.toString();
    }

    private static byte[] hmac(HmacAlgorithm alg, byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance(alg.jcaName());
            mac.init(new SecretKeySpec(key, alg.jcaName()));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            // The JDK's SunJCE provider ships HmacSHA1/256/512, so this means a broken runtime, not bad input.
            throw new IllegalStateException("HMAC unavailable: " + alg.jcaName(), e);
        }
    }
}
