package dev.twofa.domain.otp;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Builds the {@code otpauth://totp/...} key URI that authenticator apps scan (Google Authenticator "Key Uri Format").
 */
public final class KeyUri {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private KeyUri() {}

    /**
     * {@code otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&algorithm=...&digits=...&period=...}
     *
     * <p>The issuer appears twice, in the label prefix and as a parameter, because older apps read only one of them;
     * the Key URI format asks for both and for them to be equal.
     */
    public static String of(String issuer, String account, byte[] secret, OtpPolicy policy) {
        requireLabelPart(issuer, "issuer");
        requireLabelPart(account, "account");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(policy, "policy");
        if (secret.length < OtpPolicy.MIN_SECRET_BYTES) {
            // NIST SP 800-63B §5.1.4.1: never hand out a TOTP secret shorter than 112 bits.
            throw new IllegalArgumentException("secret shorter than " + OtpPolicy.MIN_SECRET_BYTES + " bytes");
        }
        String encodedIssuer = encode(issuer);
        return "otpauth://totp/" + encodedIssuer + ":" + encode(account)
                + "?secret=" + Base32Secret.encode(secret)
                + "&issuer=" + encodedIssuer
                + "&algorithm=" + policy.algorithm().uriName()
                + "&digits=" + policy.digits()
                + "&period=" + policy.periodSeconds();
    }

    private static void requireLabelPart(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        // The Key URI format uses ':' to split issuer from account; apps cannot parse a label with a second one.
        if (value.indexOf(':') >= 0) {
            throw new IllegalArgumentException(name + " must not contain ':'");
        }
    }

    /**
     * RFC 3986 percent-encoding of UTF-8 bytes, keeping only unreserved characters. Not URLEncoder: its form encoding
     * turns spaces into '+', which several authenticator apps display literally.
     */
    static String encode(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0x0f]);
            }
        }
        return out.toString();
    }
}
