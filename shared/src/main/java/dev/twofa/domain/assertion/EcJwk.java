package dev.twofa.domain.assertion;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** A P-256 public key as a JSON Web Key (RFC 7517/7518), with its RFC 7638 thumbprint as kid. */
public final class EcJwk {
    private static final int COORDINATE_BYTES = 32;

    private EcJwk() {}

    public static Map<String, Object> of(ECPublicKey key) {
        String x = b64(unsigned(key.getW().getAffineX()));
        String y = b64(unsigned(key.getW().getAffineY()));
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "EC");
        jwk.put("crv", "P-256");
        jwk.put("x", x);
        jwk.put("y", y);
        jwk.put("kid", thumbprint(x, y));
        jwk.put("use", "sig");
        jwk.put("alg", "ES256");
        return jwk;
    }

    /** RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace. */
    static String thumbprint(String x, String y) {
        String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + x + "\",\"y\":\"" + y + "\"}";
        try {
            return b64(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A coordinate as exactly 32 big-endian bytes (BigInteger may add a sign byte or drop leading zeros). */
    private static byte[] unsigned(BigInteger n) {
        byte[] raw = n.toByteArray();
        if (raw.length == COORDINATE_BYTES) {
            return raw;
        }
        byte[] out = new byte[COORDINATE_BYTES];
        int copy = Math.min(raw.length, COORDINATE_BYTES);
        System.arraycopy(raw, raw.length - copy, out, COORDINATE_BYTES - copy, copy);
        return out;
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * A DER ECDSA signature (what KMS Sign returns) as JOSE's fixed 64-byte R ‖ S (RFC 7518 §3.4).
     *
     * @throws IllegalArgumentException when {@code der} is not a DER SEQUENCE of two INTEGERs
     */
    public static byte[] derToJose(byte[] der) {
        try {
            int i = 0;
            if (der[i++] != 0x30) {
                throw new IllegalArgumentException("not a DER sequence");
            }
            int seqLen = der[i++] & 0xff;
            if (seqLen == 0x81) {
                seqLen = der[i++] & 0xff;
            }
            if (i + seqLen != der.length) {
                throw new IllegalArgumentException("bad DER length");
            }
            byte[] out = new byte[2 * COORDINATE_BYTES];
            for (int part = 0; part < 2; part++) {
                if (der[i++] != 0x02) {
                    throw new IllegalArgumentException("not a DER integer");
                }
                int len = der[i++] & 0xff;
                byte[] value = Arrays.copyOfRange(der, i, i + len);
                i += len;
                byte[] fixed = unsigned(new BigInteger(1, value));
                System.arraycopy(fixed, 0, out, part * COORDINATE_BYTES, COORDINATE_BYTES);
            }
            return out;
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("truncated DER signature", e);
        }
    }
}
