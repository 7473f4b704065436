package dev.twofa.domain.assertion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class EcJwkTest {

    private static KeyPair p256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** KMS answers DER signatures; JOSE wants R ‖ S. Many runs cover R or S with leading zeros. */
    @RepeatedTest(50)
    void derToJose_givesWhatTheJdkVerifiesAsP1363() throws Exception {
        KeyPair pair = p256();
        byte[] message = "header.payload".getBytes();
        Signature der = Signature.getInstance("SHA256withECDSA");
        der.initSign(pair.getPrivate());
        der.update(message);
        byte[] jose = EcJwk.derToJose(der.sign());

        assertThat(jose).hasSize(64);
        Signature p1363 = Signature.getInstance("SHA256withECDSAinP1363Format");
        p1363.initVerify(pair.getPublic());
        p1363.update(message);
        assertThat(p1363.verify(jose)).isTrue();
    }

    @Test
    void derToJose_refusesWhatIsNotADerSignature() {
        assertThatThrownBy(() -> EcJwk.derToJose(new byte[] {0x31, 0x00})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EcJwk.derToJose(new byte[] {0x30, 0x06, 0x02, 0x01, 0x01}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** R = 1..32, S = 33..64 as DER INTEGERs (S with a leading zero: its top bit is set). */
    private static byte[] der(boolean longFormLength, int sequenceTag, int secondIntegerTag, int lengthDelta) {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(0x02);
        body.write(32);
        for (int i = 1; i <= 32; i++) {
            body.write(i);
        }
        body.write(secondIntegerTag);
        body.write(33);
        body.write(0x00);
        for (int i = 0; i < 32; i++) {
            body.write(0x80 + i);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(sequenceTag);
        if (longFormLength) {
            out.write(0x81);
        }
        out.write(body.size() + lengthDelta);
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    @Test
    void derToJose_readsShortAndLongFormLengths_andStripsTheSignByte() {
        byte[] expected = new byte[64];
        for (int i = 0; i < 32; i++) {
            expected[i] = (byte) (i + 1);
            expected[32 + i] = (byte) (0x80 + i);
        }
        assertThat(EcJwk.derToJose(der(false, 0x30, 0x02, 0))).containsExactly(expected);
        assertThat(EcJwk.derToJose(der(true, 0x30, 0x02, 0))).containsExactly(expected);
    }

    @Test
    void derToJose_refusesEachMalformedPart() {
        for (byte[] bad : new byte[][] {
            der(false, 0x31, 0x02, 0), // not a SEQUENCE
            der(true, 0x31, 0x02, 0),
            der(false, 0x30, 0x03, 0), // the second value is not an INTEGER
            der(false, 0x30, 0x02, 1), // the length says more than there is
            der(false, 0x30, 0x02, -1), // ... or less
            der(true, 0x30, 0x02, -1),
            {0x30},
            {}
        }) {
            assertThatThrownBy(() -> EcJwk.derToJose(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        byte[] firstNotInteger = der(false, 0x30, 0x02, 0);
        firstNotInteger[2] = 0x04;
        assertThatThrownBy(() -> EcJwk.derToJose(firstNotInteger)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jwk_hasFixedSizeCoordinates_andAThumbprintKid() throws Exception {
        Map<String, Object> jwk = EcJwk.of((ECPublicKey) p256().getPublic());
        assertThat(jwk).containsEntry("kty", "EC").containsEntry("crv", "P-256").containsEntry("alg", "ES256");
        assertThat(Base64.getUrlDecoder().decode((String) jwk.get("x"))).hasSize(32);
        assertThat(Base64.getUrlDecoder().decode((String) jwk.get("y"))).hasSize(32);
        assertThat((String) jwk.get("kid"))
                .isEqualTo(EcJwk.thumbprint((String) jwk.get("x"), (String) jwk.get("y")))
                .matches("[A-Za-z0-9_-]{43}");
    }
}
