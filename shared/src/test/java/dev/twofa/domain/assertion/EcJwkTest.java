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
