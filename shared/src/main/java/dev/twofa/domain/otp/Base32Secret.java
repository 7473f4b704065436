package dev.twofa.domain.otp;

import java.util.Objects;
import org.apache.commons.codec.binary.Base32;

/**
 * RFC 4648 Base32, the encoding authenticator apps expect for the {@code secret} of a key URI and for manual entry.
 */
public final class Base32Secret {

    private static final Base32 CODEC = new Base32();

    private Base32Secret() {}

    /** Upper case, without '=' padding: the Key URI format asks for unpadded Base32 and some apps reject '='. */
    public static String encode(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length == 0) {
            throw new IllegalArgumentException("secret must not be empty");
        }
        String padded = CODEC.encodeAsString(secret);
        int end = padded.length();
        while (end > 0 && padded.charAt(end - 1) == '=') {
            end--;
        }
        return padded.substring(0, end);
    }

    /**
     * Decodes what a person may type or paste: any case, spaces (apps display groups of four), with or without
     * padding. Anything else is refused, because commons-codec on its own silently skips characters outside the
     * alphabet and would turn a typo into a different key.
     */
    public static byte[] decode(String base32) {
        Objects.requireNonNull(base32, "base32");
        StringBuilder clean = new StringBuilder(base32.length());
        int padding = 0;
        for (int i = 0; i < base32.length(); i++) {
            char c = base32.charAt(i);
            if (c == ' ') {
                continue;
            }
            if (c == '=') {
                padding++;
                continue;
            }
            if (padding > 0) {
                throw new IllegalArgumentException("Base32 padding '=' only allowed at the end");
            }
            char upper = c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c;
            if (!((upper >= 'A' && upper <= 'Z') || (upper >= '2' && upper <= '7'))) {
                throw new IllegalArgumentException("invalid Base32 character at index " + i);
            }
            clean.append(upper);
        }
        // RFC 4648 §6: a final quantum has 2, 4, 5 or 7 characters; 1, 3 or 6 cannot come from whole bytes.
        int remainder = clean.length() % 8;
        if (clean.isEmpty() || remainder == 1 || remainder == 3 || remainder == 6) {
            throw new IllegalArgumentException("invalid Base32 length: " + clean.length() + " characters");
        }
        if (padding > 0 && (clean.length() + padding) % 8 != 0) {
            throw new IllegalArgumentException("invalid Base32 padding");
        }
        return CODEC.decode(clean.toString());
    }

    /** Groups of four separated by spaces ("JBSW Y3DP EHPK 3PXP"), for people typing the secret by hand. */
    public static String grouped(String base32) {
        Objects.requireNonNull(base32, "base32");
        String compact = base32.replace(" ", "");
        StringBuilder out = new StringBuilder(compact.length() + compact.length() / 4);
        for (int i = 0; i < compact.length(); i++) {
            if (i > 0 && i % 4 == 0) {
                out.append(' ');
            }
            out.append(compact.charAt(i));
        }
        return out.toString();
    }
}
