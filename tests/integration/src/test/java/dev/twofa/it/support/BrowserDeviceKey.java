package dev.twofa.it.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * A remembered device's key as the web client makes and uses it, written from WebCrypto's side (not
 * the server's check): generateKey({name: "ECDSA", namedCurve: "P-256"}), the public half exported as
 * SubjectPublicKeyInfo, and sign({name: "ECDSA", hash: "SHA-256"}) of the labelled challenge, r ‖ s.
 */
public final class BrowserDeviceKey {
    /** What the browser signs before the challenge (web/devices.js). */
    public static final String LABEL = "twofa-remembered-device-v1:";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private BrowserDeviceKey() {}

    public static KeyPair newKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key as POST /2fa/devices takes it: SubjectPublicKeyInfo, base64url. */
    public static String publicKey(KeyPair key) {
        return B64.encodeToString(key.getPublic().getEncoded());
    }

    /** The signature of {@code challenge} as the sign-in step sends it: r ‖ s, base64url. */
    public static String sign(KeyPair key, String challenge) {
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
            ecdsa.initSign(key.getPrivate());
            ecdsa.update((LABEL + challenge).getBytes(StandardCharsets.UTF_8));
            return B64.encodeToString(ecdsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
