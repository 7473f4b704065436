package dev.twofa.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.MessageRejectedException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/** Proves the harness: each emulator answers over the real AWS wire protocol and can be inspected. */
class EmulatorsSmokeIT {

    private static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void dynamoDbCreateTablePutGetAndConditionalWrite() {
        String table = "smoke-" + unique();
        try (DynamoDbClient dynamo = Emulators.dynamo()) {
            dynamo.createTable(r -> r.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder()
                            .attributeName("pk")
                            .attributeType(ScalarAttributeType.S)
                            .build())
                    .keySchema(KeySchemaElement.builder()
                            .attributeName("pk")
                            .keyType(KeyType.HASH)
                            .build()));
            dynamo.waiter().waitUntilTableExists(r -> r.tableName(table));

            Map<String, AttributeValue> item = Map.of(
                    "pk", AttributeValue.fromS("user#1"),
                    "expiresAt", AttributeValue.fromN("1700000000"));
            dynamo.putItem(r -> r.tableName(table).item(item));

            var got = dynamo.getItem(r -> r.tableName(table)
                            .key(Map.of("pk", AttributeValue.fromS("user#1")))
                            .consistentRead(true))
                    .item();
            assertThat(got).isEqualTo(item);

            assertThatThrownBy(() -> dynamo.putItem(
                            r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)")))
                    .isInstanceOf(ConditionalCheckFailedException.class);
        }
        assertThat(Emulators.dynamoEndpoint().getHost()).isIn("127.0.0.1", "localhost");
    }

    @Test
    void kmsEncryptDecryptIsBoundToEncryptionContext() {
        String keyId = Emulators.createKmsKey();
        Map<String, String> context = Map.of("userId", "u-" + unique(), "purpose", "totp-secret");
        byte[] secret = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        try (KmsClient kms = Emulators.kms()) {
            SdkBytes ciphertext = kms.encrypt(r -> r.keyId(keyId)
                            .plaintext(SdkBytes.fromByteArray(secret))
                            .encryptionContext(context))
                    .ciphertextBlob();
            assertThat(ciphertext.asByteArray()).isNotEqualTo(secret);

            var plaintext = kms.decrypt(r -> r.ciphertextBlob(ciphertext).encryptionContext(context))
                    .plaintext()
                    .asByteArray();
            assertThat(plaintext).isEqualTo(secret);

            Map<String, String> otherOwner = Map.of("userId", "someone-else", "purpose", "totp-secret");
            assertThatThrownBy(
                            () -> kms.decrypt(r -> r.ciphertextBlob(ciphertext).encryptionContext(otherOwner)))
                    .isInstanceOf(InvalidCiphertextException.class);
            assertThatThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(ciphertext)))
                    .isInstanceOf(InvalidCiphertextException.class);
        }
    }

    @Test
    void sesSendEmailFromVerifiedIdentityIsReadBack() {
        String from = "no-reply-" + unique() + "@example.com";
        String to = "user-" + unique() + "@example.org";
        try (SesClient ses = Emulators.ses()) {
            if (Emulators.kind() == Emulators.Kind.LOCAL) {
                // moto, like the SES sandbox, rejects an unverified Source.
                assertThatThrownBy(() -> ses.sendEmail(r -> r.source(from)
                                .destination(d -> d.toAddresses(to))
                                .message(m -> m.subject(s -> s.data("x")).body(b -> b.text(t -> t.data("x"))))))
                        .isInstanceOf(MessageRejectedException.class);
            }
            Emulators.verifySesIdentity(from);
            String messageId = ses.sendEmail(r -> r.source(from)
                            .destination(d -> d.toAddresses(to))
                            .message(m -> m.subject(s -> s.data("Your activation link"))
                                    .body(b -> b.text(t -> t.data("Open https://app.example/activate#t=abc")))))
                    .messageId();

            assertThat(Emulators.sentEmailsTo(to)).singleElement().satisfies(e -> {
                assertThat(e.messageId()).isEqualTo(messageId);
                assertThat(e.source()).isEqualTo(from);
                assertThat(e.toAddresses()).containsExactly(to);
                assertThat(e.subject()).isEqualTo("Your activation link");
                assertThat(e.body()).isEqualTo("Open https://app.example/activate#t=abc");
            });
        }
    }

    @Test
    void snsPublishToPhoneNumberIsReadBack() {
        String phone = "+1555" + (1_000_000 + ThreadLocalRandom.current().nextInt(8_000_000));
        try (SnsClient sns = Emulators.sns()) {
            String messageId = sns.publish(r -> r.phoneNumber(phone)
                            .message("Your twofa code is 123456")
                            .messageAttributes(Map.of(
                                    "AWS.SNS.SMS.SMSType",
                                    MessageAttributeValue.builder()
                                            .dataType("String")
                                            .stringValue("Transactional")
                                            .build())))
                    .messageId();

            assertThat(Emulators.sentSmsTo(phone))
                    .singleElement()
                    .isEqualTo(new Emulators.SentSms(messageId, phone, "Your twofa code is 123456"));
        }
    }
}
