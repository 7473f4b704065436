package dev.twofa.e2e;

import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.binary.Base32;

/**
 * An independent RFC 6238 TOTP (SHA1, 6 digits, 30 s), as an authenticator app computes it: the end
 * to end tests make their codes with this, never with the service's own implementation.
 */
final class Rfc6238 {
    static final Duration PERIOD = Duration.ofSeconds(30);

    private Rfc6238() {}

    /** The time step now. */
    static long currentStep() {
        return System.currentTimeMillis() / PERIOD.toMillis();
    }

    /**
     * The current time step, after waiting for the next one when fewer than 3 s remain: the codes
     * sent for this step and the next must still be inside the server's window when they arrive.
     */
    static long stepWithTimeToSpare() throws InterruptedException {
        long millis = System.currentTimeMillis();
        long periodMillis = PERIOD.toMillis();
        long left = periodMillis - millis % periodMillis;
        if (left < 3_000) {
            Thread.sleep(left + 100);
        }
        return System.currentTimeMillis() / periodMillis;
    }

    /** A 6-digit code no step near now (one back, two ahead) has: wrong whenever it arrives. */
    static String wrongCode(String base32Secret) throws GeneralSecurityException {
        long now = currentStep();
        Set<String> near = new HashSet<>();
        for (long step = now - 1; step <= now + 2; step++) {
            near.add(totp(base32Secret, step));
        }
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            if (!near.contains(code)) {
                return code;
            }
        }
    }

    static String totp(String base32Secret, long step) throws GeneralSecurityException {
        return totp(base32Secret, step, 6);
    }

    /** RFC 4226 §5.3 dynamic truncation over HMAC-SHA1 of the big-endian step (RFC 6238 §4). */
    static String totp(String base32Secret, long step, int digits) throws GeneralSecurityException {
        byte[] key = new Base32().decode(base32Secret.toUpperCase(Locale.ROOT));
        byte[] counter = new byte[8];
        for (int i = 7, s = 0; i >= 0; i--, s += 8) {
            counter[i] = (byte) (step >>> s);
        }
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key, "HmacSHA1"));
        byte[] hash = mac.doFinal(counter);
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24)
                | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8)
                | (hash[offset + 3] & 0xff);
        int code = binary % (int) Math.pow(10, digits);
        return String.format("%0" + digits + "d", code);
    }
}
