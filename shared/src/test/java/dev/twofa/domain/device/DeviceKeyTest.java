package dev.twofa.domain.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DeviceKeyTest {
    private static KeyPair pair(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    private static byte[] sign(KeyPair key, byte[] message) throws Exception {
        Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
        ecdsa.initSign(key.getPrivate());
        ecdsa.update(message);
        return ecdsa.sign();
    }

    @Test
    void aP256Key_parses_andItsSignatureOfTheLabelledChallenge_verifies() throws Exception {
        KeyPair key = pair("secp256r1");
        byte[] spki = key.getPublic().getEncoded();
        byte[] message = DeviceChallenge.signedBytes("c".repeat(43));

        assertThat(spki).hasSize(DeviceKey.SPKI_LENGTH);
        assertThat(DeviceKey.parse(spki)).isPresent();
        assertThat(DeviceKey.verifies(spki, message, sign(key, message))).isTrue();
        assertThat(new String(message, StandardCharsets.UTF_8)).startsWith("twofa-remembered-device-v1:");
    }

    @Test
    void anotherMessage_anotherKey_orATamperedSignature_doNotVerify() throws Exception {
        KeyPair key = pair("secp256r1");
        byte[] spki = key.getPublic().getEncoded();
        byte[] message = DeviceChallenge.signedBytes("a".repeat(43));
        byte[] signature = sign(key, message);

        assertThat(DeviceKey.verifies(spki, DeviceChallenge.signedBytes("b".repeat(43)), signature))
                .isFalse();
        assertThat(DeviceKey.verifies(pair("secp256r1").getPublic().getEncoded(), message, signature))
                .isFalse();
        byte[] tampered = signature.clone();
        tampered[10] ^= 1;
        assertThat(DeviceKey.verifies(spki, message, tampered)).isFalse();
        assertThat(DeviceKey.verifies(spki, message, Arrays.copyOf(signature, 63)))
                .isFalse();
        assertThat(DeviceKey.verifies(spki, message, new byte[64])).isFalse();
        // The message without the label: the key signs challenges of this service only in labelled form.
        assertThat(DeviceKey.verifies(spki, "a".repeat(43).getBytes(StandardCharsets.UTF_8), signature))
                .isFalse();
    }

    @Test
    void otherCurves_truncatedKeys_andPointsOffTheCurve_areRefused() throws Exception {
        assertThat(DeviceKey.parse(pair("secp384r1").getPublic().getEncoded())).isEmpty();
        byte[] spki = pair("secp256r1").getPublic().getEncoded();
        assertThat(DeviceKey.parse(Arrays.copyOf(spki, 90))).isEmpty();
        assertThat(DeviceKey.parse(new byte[91])).isEmpty();
        assertThat(DeviceKey.parse(null)).isEmpty();
        // Move y by one: the point leaves the curve (an invalid-curve attack's first step).
        byte[] offCurve = spki.clone();
        offCurve[90] ^= 1;
        ECPublicKey original = (ECPublicKey) DeviceKey.parse(spki).orElseThrow();
        assertThat(original.getW().getAffineY()).isNotEqualTo(BigInteger.ZERO);
        assertThat(DeviceKey.parse(offCurve)).isEmpty();
    }
}
