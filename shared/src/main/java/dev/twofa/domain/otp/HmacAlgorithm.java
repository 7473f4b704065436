package dev.twofa.domain.otp;

/**
 * The HMAC functions RFC 6238 §1.2 allows for TOTP. SHA1 stays the default because most authenticator apps ignore
 * the {@code algorithm} parameter of a key URI and silently use SHA1.
 */
public enum HmacAlgorithm {
    SHA1("HmacSHA1", "SHA1"),
    SHA256("HmacSHA256", "SHA256"),
    SHA512("HmacSHA512", "SHA512");

    private final String jcaName;
    private final String uriName;

    HmacAlgorithm(String jcaName, String uriName) {
        this.jcaName = jcaName;
        this.uriName = uriName;
    }

    /** The standard JCA name, guaranteed present in every Java SE platform ({@code javax.crypto.Mac}). */
    public String jcaName() {
        return jcaName;
    }

    /** The spelling used by the {@code algorithm} parameter of an {@code otpauth://} key URI. */
    public String uriName() {
        return uriName;
    }
}
