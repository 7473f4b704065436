package dev.twofa.domain.device;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.X509EncodedKeySpec;
import java.util.Optional;

/**
 * A remembered device's public key: an uncompressed P-256 point in an X.509 SubjectPublicKeyInfo,
 * as WebCrypto's {@code exportKey("spki")} gives it. Parsed strictly (the curve must be P-256 and the
 * point on it), and a signature is checked as WebCrypto makes it: ECDSA with SHA-256, the 64-byte
 * r ‖ s form (IEEE P1363).
 */
public final class DeviceKey {
    /** The length of a P-256 SubjectPublicKeyInfo with an uncompressed point. */
    public static final int SPKI_LENGTH = 91;
    /** r ‖ s, 32 bytes each. */
    public static final int SIGNATURE_LENGTH = 64;

    private static final BigInteger P256_P =
            new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
    private static final BigInteger P256_B =
            new BigInteger("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16);
    private static final BigInteger P256_N =
            new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);

    private DeviceKey() {}

    /** The key, when {@code spki} is a P-256 public key whose point lies on the curve; empty otherwise. */
    public static Optional<ECPublicKey> parse(byte[] spki) {
        if (spki == null || spki.length != SPKI_LENGTH) {
            return Optional.empty();
        }
        try {
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
            if (!(key instanceof ECPublicKey ec) || !isP256(ec.getParams()) || !onCurve(ec.getW())) {
                return Optional.empty();
            }
            return Optional.of(ec);
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code signature} (r ‖ s) is the key's signature of {@code message}; false for anything malformed. */
    public static boolean verifies(byte[] spki, byte[] message, byte[] signature) {
        if (signature == null || signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        Optional<ECPublicKey> key = parse(spki);
        if (key.isEmpty()) {
            return false;
        }
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
            ecdsa.initVerify(key.get());
            ecdsa.update(message);
            return ecdsa.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static boolean isP256(ECParameterSpec params) {
        return params.getOrder().equals(P256_N) && params.getCurve().getB().equals(P256_B) && params.getCofactor() == 1;
    }

    /** y² = x³ − 3x + b (mod p), with both coordinates in the field: no point off the curve is taken. */
    private static boolean onCurve(ECPoint w) {
        if (w == ECPoint.POINT_INFINITY) {
            return false;
        }
        BigInteger x = w.getAffineX();
        BigInteger y = w.getAffineY();
        if (x.signum() < 0 || y.signum() < 0 || x.compareTo(P256_P) >= 0 || y.compareTo(P256_P) >= 0) {
            return false;
        }
        BigInteger left = y.multiply(y).mod(P256_P);
        BigInteger right =
                x.pow(3).subtract(x.multiply(BigInteger.valueOf(3))).add(P256_B).mod(P256_P);
        return left.equals(right);
    }
}
