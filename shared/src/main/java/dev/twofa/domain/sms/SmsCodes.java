package dev.twofa.domain.sms;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;

/**
 * The one-time codes sent by SMS, NIST SP 800-63B §5.1.3 out-of-band secrets: 6 random digits, stored only as a keyed
 * hash bound to purpose, user and challenge, valid for minutes, checked a few times and used once.
 *
 * <p>The hash is an HMAC rather than a plain or salted hash because there are only 10^6 codes: anyone holding a stored
 * hash and everything stored beside it could try them all in milliseconds. The key must therefore live apart from the
 * hashes (inside KMS, or in the local run's key file), never in plaintext next to them.
 */
public final class SmsCodes {

    /**
     * Six digits, as the issue asks and every SMS-2FA user knows: log2(10^6) ≈ 19.9 bits, the "approximately 20 bits"
     * NIST SP 800-63B §5.1.3 treats as its floor; the check limit below keeps online guessing to 5 in a million.
     */
    public static final int CODE_LENGTH = 6;

    /** Auth0's SMS lifetime; short enough that an intercepted code is soon useless. */
    public static final Duration CODE_LIFETIME = Duration.ofMinutes(5);

    /** NIST SP 800-63B §5.1.3.2 and OWASP ASVS 2.7.2: an out-of-band code SHALL expire within 10 minutes. */
    public static final Duration MAX_LIFETIME = Duration.ofMinutes(10);

    /** Twilio Verify's default: after 5 wrong checks the code is dead and a new one must be sent. */
    public static final int MAX_CHECKS = 5;

    private static final int CODE_SPACE = 1_000_000;

    /** Domain separation and a version for the encoding, so a future format can never collide with this one. */
    private static final String LABEL = "twofa-sms-code-v1";

    private final SecureRandom random;

    public SmsCodes(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A fresh code: 6 ASCII digits, uniform over 000000-999999 (leading zeros are part of the code). */
    public String newCode() {
        // nextInt(bound) rejects the biased tail, so every code is equally likely, unlike nextInt() % 10^6.
        int value = random.nextInt(CODE_SPACE);
        // Padded by hand: String.format("%06d") uses the default locale's digits, which need not be ASCII.
        String digits = Integer.toString(value);
        return "0".repeat(CODE_LENGTH - digits.length()) + digits;
    }

    /**
     * Exactly 6 ASCII digits. Checked before any hashing (docs/standards.md, code rule 6); Character.isDigit would
     * admit other scripts.
     */
    public static boolean isWellFormed(String code) {
        if (code == null || code.length() != CODE_LENGTH) {
            return false;
        }
        for (int i = 0; i < CODE_LENGTH; i++) {
            char c = code.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * The message whose HMAC is stored for a code, for a MAC computed elsewhere (KMS GenerateMac keeps the key out of
     * the Lambda; the local run uses a key file) to hash: a label, then purpose API name, user id, challenge id and
     * code, each preceded by its UTF-8 length as 4 big-endian bytes. The length prefixes make the encoding
     * unambiguous (user "ab" with challenge "c" differs from user "a" with challenge "bc"), and binding the purpose
     * means a login code never matches an enable or disable challenge, nor another user's or another challenge's.
     *
     * @throws IllegalArgumentException if the code is not well formed or an id is empty: check the format first
     */
    public static byte[] macInput(String code, SmsPurpose purpose, String userId, String challengeId) {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(challengeId, "challengeId");
        if (!isWellFormed(code)) {
            throw new IllegalArgumentException("code must be " + CODE_LENGTH + " ASCII digits");
        }
        if (userId.isEmpty() || challengeId.isEmpty()) {
            throw new IllegalArgumentException("userId and challengeId must not be empty");
        }
        String[] fields = {LABEL, purpose.apiName(), userId, challengeId, code};
        byte[][] encoded = new byte[fields.length][];
        int size = 0;
        for (int i = 0; i < fields.length; i++) {
            encoded[i] = fields[i].getBytes(StandardCharsets.UTF_8);
            size += Integer.BYTES + encoded[i].length;
        }
        ByteBuffer message = ByteBuffer.allocate(size);
        for (byte[] field : encoded) {
            message.putInt(field.length).put(field);
        }
        return message.array();
    }
}
