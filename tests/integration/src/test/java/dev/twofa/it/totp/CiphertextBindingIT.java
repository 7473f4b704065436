package dev.twofa.it.totp;

import static dev.twofa.it.support.Enrollment.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.TestApp;
import dev.twofa.port.SecretContext;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Every secret is bound to its owner by the KMS encryption context (kms mode) or the AES-GCM
 * associated data (envelope mode): a ciphertext copied onto another user (a write-capable attacker,
 * a buggy migration) must not verify for them. Runs in the suite's mode (TWOFA_CRYPTO).
 */
class CiphertextBindingIT {
    private final TestApp app = new TestApp();

    @Test
    void userAsCiphertextCopiedOntoUserB_failsToVerify() {
        Enrollment.Enrolled alice = Enrollment.enroll(app, "alice-" + UUID.randomUUID());
        Enrollment.Enrolled bob = Enrollment.enroll(app, "bob-" + UUID.randomUUID());
        AttributeValue aliceSecret = app.dynamo
                .getItem(g -> g.tableName(app.table).key(accountKey(alice.userId())))
                .item()
                .get("totpSecret");

        app.dynamo.updateItem(u -> u.tableName(app.table)
                .key(accountKey(bob.userId()))
                .updateExpression("SET totpSecret = :s")
                .expressionAttributeValues(Map.of(":s", aliceSecret)));

        // With Alice's code (which the copied secret would produce) Bob is not let in…
        String aliceCode = IndependentTotp.code(alice.secret(), alice.enrollmentStep() + 1);
        APIGatewayV2HTTPResponse withAliceCode = verify(app, bob.userId(), "code", aliceCode);
        assertThat(withAliceCode.getStatusCode()).isEqualTo(500);
        assertThat(Api.problemType(withAliceCode)).isEqualTo("urn:twofa:problem:internal");
        assertThat(withAliceCode.getBody()).doesNotContain("Ciphertext").doesNotContain(alice.userId());
        // …nor with his own.
        String bobCode = IndependentTotp.code(bob.secret(), bob.enrollmentStep() + 1);
        assertThat(verify(app, bob.userId(), "code", bobCode).getStatusCode()).isNotEqualTo(200);
        // Alice is unaffected.
        assertThat(verify(app, alice.userId(), "code", aliceCode).getStatusCode())
                .isEqualTo(200);
    }

    @Test
    void storedSecret_isNotThePlainSecret() {
        Enrollment.Enrolled alice = Enrollment.enroll(app, "alice-" + UUID.randomUUID());
        byte[] stored = app.dynamo
                .getItem(g -> g.tableName(app.table).key(accountKey(alice.userId())))
                .item()
                .get("totpSecret")
                .b()
                .asByteArray();
        byte[] plain = new org.apache.commons.codec.binary.Base32().decode(alice.secret());
        assertThat(stored).hasSizeGreaterThan(plain.length);
        assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain(new String(plain, java.nio.charset.StandardCharsets.ISO_8859_1));
        if (app.envelopeSecrets) {
            // Envelope: AES-GCM under the data key, the owner and purpose as associated data.
            assertThat(stored).startsWith(0x00, 0x01);
            assertThat(app.secretCipher(true).decrypt(stored, SecretContext.totpSecret(alice.userId())))
                    .isEqualTo(plain);
            return;
        }
        // KMS decrypts it only under the owner's context.
        var decrypted =
                app.kms.decrypt(d -> d.ciphertextBlob(software.amazon.awssdk.core.SdkBytes.fromByteArray(stored))
                        .encryptionContext(Map.of("userId", alice.userId(), "purpose", "totp-secret")));
        assertThat(decrypted.plaintext().asByteArray()).isEqualTo(plain);
    }

    private static Map<String, AttributeValue> accountKey(String userId) {
        return Map.of("pk", AttributeValue.fromS("USER#" + userId), "sk", AttributeValue.fromS("ACCOUNT"));
    }
}
