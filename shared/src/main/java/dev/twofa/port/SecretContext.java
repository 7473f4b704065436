package dev.twofa.port;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * What a ciphertext is bound to. Holds only the opaque user id and a purpose: no PII, because KMS
 * writes the encryption context to CloudTrail in clear.
 */
public record SecretContext(String userId, String purpose) {
    public static final String TOTP_SECRET = "totp-secret";
    public static final String SMS_PHONE = "sms-phone";

    public SecretContext {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(purpose, "purpose");
        if (userId.isBlank() || purpose.isBlank()) {
            throw new IllegalArgumentException("userId and purpose must not be blank");
        }
    }

    public static SecretContext totpSecret(String userId) {
        return new SecretContext(userId, TOTP_SECRET);
    }

    public static SecretContext smsPhone(String userId) {
        return new SecretContext(userId, SMS_PHONE);
    }

    public Map<String, String> asMap() {
        return Map.of("userId", userId, "purpose", purpose);
    }

    /**
     * The context as AES-GCM associated data, for the ciphers that bind it themselves (the local run's,
     * the envelope one): length-prefixed fields, so ("a", "bc") and ("ab", "c") never give the same bytes.
     */
    public byte[] associatedData() {
        byte[] user = userId.getBytes(StandardCharsets.UTF_8);
        byte[] what = purpose.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + user.length + what.length)
                .putInt(user.length)
                .put(user)
                .putInt(what.length)
                .put(what)
                .array();
    }
}
