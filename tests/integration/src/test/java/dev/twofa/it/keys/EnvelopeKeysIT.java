package dev.twofa.it.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.common.AssertionVerifier;
import dev.twofa.aws.KmsKeyWrapper;
import dev.twofa.aws.store.DynamoKeyItems;
import dev.twofa.config.AssertionSettings;
import dev.twofa.envelope.EnvelopeAssertionSigner;
import dev.twofa.envelope.EnvelopeSecretCipher;
import dev.twofa.envelope.KeySchedule;
import dev.twofa.envelope.SecretFormat;
import dev.twofa.functions.jwks.JwksHandler;
import dev.twofa.functions.verifylogin.VerifyLoginHandler;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.TestApp;
import dev.twofa.port.AssertionSigner;
import dev.twofa.port.KeyItems.StoredKey;
import dev.twofa.port.SecretCipher;
import dev.twofa.port.SecretContext;
import dev.twofa.testing.Stdout;
import dev.twofa.wiring.CryptoModes;
import dev.twofa.wiring.Wiring;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The envelope keys (docs/threat-model.md, "Envelope keys") on DynamoDB Local and moto KMS: the key
 * items, their conditional creation, the KMS calls a sign-in makes, switching modes, rotation, and what
 * a table writer without KMS can do to them. Each "instance" is a fresh signer or cipher on the same
 * table, as a new Lambda environment would build it.
 */
class EnvelopeKeysIT {
    private final TestApp app = new TestApp(Map.of(
            CryptoModes.ASSERTION_SIGNING, CryptoModes.ENVELOPE, CryptoModes.SECRETS_ENCRYPTION, CryptoModes.ENVELOPE));
    private final String user = "user-" + UUID.randomUUID();

    private List<StoredKey> keys(String family) {
        return app.keyItems.keys(family);
    }

    private String currentCode(Enrollment.Enrolled enrolled) {
        return IndependentTotp.code(enrolled.secret(), IndependentTotp.step(app.clock.instant()));
    }

    private APIGatewayV2HTTPResponse signIn(Wiring wiring, String code) {
        return new VerifyLoginHandler(wiring.verifyLogin())
                .handleRequest(Api.request("POST /2fa/verify", user, Api.json(Map.of("code", code))), null);
    }

    private static <T> List<T> race(int parallel, Supplier<java.util.concurrent.Callable<T>> racer) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(parallel)) {
            for (int i = 0; i < parallel; i++) {
                java.util.concurrent.Callable<T> task = racer.get();
                results.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> values = new ArrayList<>();
            for (Future<T> f : results) {
                values.add(f.get());
            }
            return values;
        }
    }

    @Test
    void racingFirstUse_createsExactlyOneAssertionKey_withTheExactCondition() throws Exception {
        // GIVEN eight fresh instances and no key yet, WHEN they all sign at once
        app.dynamoRequests.clear();
        List<String> kids = race(8, () -> {
            AssertionSigner instance = app.assertionSigner(true);
            return () -> instance.signingKey().kid();
        });

        // THEN one key exists, and every instance signs with it
        assertThat(keys(EnvelopeAssertionSigner.FAMILY)).hasSize(1);
        assertThat(kids)
                .containsOnly(keys(EnvelopeAssertionSigner.FAMILY).getFirst().kid());
        // Two writers of generation 1 make one key: the loser's Put fails and it reads the winner's.
        assertThat(app.dynamoRequests.requestsOf(PutItemRequest.class))
                .isNotEmpty()
                .allSatisfy(put -> {
                    assertThat(put.conditionExpression()).isEqualTo("attribute_not_exists(pk)");
                    assertThat(put.item().get("pk").s()).isEqualTo("KEYS#assertion");
                    assertThat(put.item().get("sk").s()).isEqualTo("KEY#0000000001");
                });
    }

    @Test
    void racingFirstEncryption_createsExactlyOneDataKey_andEveryInstanceReadsTheOthers() throws Exception {
        byte[] secret = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        List<byte[]> sealed = race(8, () -> {
            SecretCipher instance = app.secretCipher(true);
            return () -> instance.encrypt(secret, SecretContext.totpSecret(user));
        });

        assertThat(keys(EnvelopeSecretCipher.FAMILY)).hasSize(1);
        for (byte[] ciphertext : sealed) {
            assertThat(app.secretCipher(true).decrypt(ciphertext, SecretContext.totpSecret(user)))
                    .isEqualTo(secret);
        }
    }

    @Test
    void aSignIn_inEnvelopeModes_makesNoKmsCall_onceTheInstanceHasItsKeys() {
        // GIVEN an enrolled user and a fresh instance (nothing unwrapped)
        Enrollment.Enrolled enrolled = Enrollment.enroll(app, user);
        app.assertionSigner.signingKey();
        Wiring instance = app.withKeys(app.secretCipher(true), app.assertionSigner(true));
        app.clock.advance(Duration.ofSeconds(30));

        // WHEN it serves its first sign-in: each key item family read once, each key unwrapped once
        app.kmsRequests.clear();
        assertThat(signIn(instance, currentCode(enrolled)).getStatusCode()).isEqualTo(200);
        assertThat(app.kmsRequests.operations()).containsExactlyInAnyOrder("Decrypt", "Decrypt");

        // THEN its next sign-in makes no KMS call at all (and no key read within the refresh period)
        app.clock.advance(Duration.ofSeconds(30));
        app.kmsRequests.clear();
        app.dynamoRequests.clear();
        assertThat(signIn(instance, currentCode(enrolled)).getStatusCode()).isEqualTo(200);
        assertThat(app.kmsRequests.operations()).isEmpty();
        assertThat(app.dynamoRequests.operations()).doesNotContain("Query");
    }

    @Test
    void keysLoadedAfterRestore_makeTheFirstSignInFreeOfKmsAndKeyReads() {
        // GIVEN an enrolled user, the keys in the table, and a freshly restored instance
        Enrollment.Enrolled enrolled = Enrollment.enroll(app, user);
        app.assertionSigner.signingKey();
        SecretFormat cipher = (SecretFormat) app.secretCipher(true);
        EnvelopeAssertionSigner signer = (EnvelopeAssertionSigner) app.assertionSigner(true);
        Wiring instance = app.withKeys(cipher, signer);
        app.clock.advance(Duration.ofSeconds(30));

        // WHEN SnapStart's afterRestore loads its keys: each family read once, each key unwrapped once
        app.kmsRequests.clear();
        cipher.loadKeys();
        signer.loadKeys();
        assertThat(app.kmsRequests.operations()).containsExactlyInAnyOrder("Decrypt", "Decrypt");

        // THEN its first sign-in makes no KMS call and reads no key item
        app.kmsRequests.clear();
        app.dynamoRequests.clear();
        assertThat(signIn(instance, currentCode(enrolled)).getStatusCode()).isEqualTo(200);
        assertThat(app.kmsRequests.operations()).isEmpty();
        assertThat(app.dynamoRequests.operations()).containsExactly("GetItem", "TransactWriteItems");
    }

    @Test
    void keysLoadedAfterRestore_onAStackWithNoKeyYet_createNone() {
        // GIVEN a table without key items, WHEN a restored instance loads its keys
        app.kmsRequests.clear();
        ((SecretFormat) app.secretCipher(true)).loadKeys();
        ((EnvelopeAssertionSigner) app.assertionSigner(true)).loadKeys();

        // THEN nothing is generated or written: keys are made on first use only
        assertThat(keys(EnvelopeSecretCipher.FAMILY)).isEmpty();
        assertThat(keys(EnvelopeAssertionSigner.FAMILY)).isEmpty();
        assertThat(app.kmsRequests.operations()).isEmpty();
    }

    @Test
    void secretsWrittenInEitherMode_stillDecrypt_afterTheOperatorSwitches_bothDirections() {
        byte[] secret = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        SecretContext context = SecretContext.totpSecret(user);
        byte[] writtenUnderKms = app.secretCipher(false).encrypt(secret, context);
        byte[] writtenUnderEnvelope = app.secretCipher(true).encrypt(secret, context);
        assertThat(writtenUnderEnvelope).startsWith(0x00, 0x01);
        assertThat(writtenUnderKms[0]).isNotZero();

        for (boolean envelopeNow : new boolean[] {true, false}) {
            SecretCipher switched = app.secretCipher(envelopeNow);
            assertThat(switched.decrypt(writtenUnderKms, context)).isEqualTo(secret);
            assertThat(switched.decrypt(writtenUnderEnvelope, context)).isEqualTo(secret);
        }
    }

    @Test
    void aUserEnrolledInKmsMode_signsInAfterTheSwitchToEnvelope_andTheReverse() {
        // GIVEN a user enrolled while secrets were KMS ciphertexts
        TestApp kmsEra = new TestApp(Map.of(CryptoModes.SECRETS_ENCRYPTION, CryptoModes.KMS));
        Enrollment.Enrolled enrolled = Enrollment.enroll(kmsEra, user);
        // WHEN the operator switches to envelope, THEN the user still signs in
        Wiring envelope = kmsEra.withKeys(kmsEra.secretCipher(true), kmsEra.assertionSigner);
        kmsEra.clock.advance(Duration.ofSeconds(30));
        String code = IndependentTotp.code(enrolled.secret(), IndependentTotp.step(kmsEra.clock.instant()));
        assertThat(new VerifyLoginHandler(envelope.verifyLogin())
                        .handleRequest(Api.request("POST /2fa/verify", user, Api.json(Map.of("code", code))), null)
                        .getStatusCode())
                .isEqualTo(200);

        // GIVEN (the reverse) a user enrolled under envelope, WHEN switched back to KMS, THEN too
        Enrollment.Enrolled underEnvelope = Enrollment.enroll(app, user);
        Wiring kms = app.withKeys(app.secretCipher(false), app.assertionSigner(false));
        app.clock.advance(Duration.ofSeconds(30));
        assertThat(signIn(kms, currentCode(underEnvelope)).getStatusCode()).isEqualTo(200);
    }

    @Test
    void rotation_publishesAhead_newAssertionsCarryTheNewKid_oldOnesVerifyUntilTheyExpire() {
        AssertionSettings settings =
                new AssertionSettings(TestApp.ASSERTION_ISSUER, TestApp.ASSERTION_AUDIENCE, Duration.ofMinutes(5));
        Enrollment.Enrolled enrolled = Enrollment.enroll(app, user);
        Wiring instance = app.withKeys(app.cipher(), app.assertionSigner(true));
        app.clock.advance(Duration.ofSeconds(30));
        String first = assertion(signIn(instance, currentCode(enrolled)));

        // WHEN the rotation falls due (a day before the period ends), the next key is published, unused
        app.clock.advance(KeySchedule.DEFAULT_ROTATION.minus(KeySchedule.DEFAULT_PUBLISH_AHEAD));
        String beforeSwitch = assertion(signIn(instance, currentCode(enrolled)));
        assertThat(keys(EnvelopeAssertionSigner.FAMILY)).hasSize(2);
        assertThat(kid(beforeSwitch)).isEqualTo(kid(first));
        assertThat(jwksKids())
                .containsExactlyInAnyOrder(
                        keys(EnvelopeAssertionSigner.FAMILY).get(0).kid(),
                        keys(EnvelopeAssertionSigner.FAMILY).get(1).kid());

        // THEN from its start it signs; the last old assertion still verifies until it expires
        app.clock.advance(KeySchedule.DEFAULT_PUBLISH_AHEAD.minusSeconds(60));
        String lastOld = assertion(signIn(instance, currentCode(enrolled)));
        app.clock.advance(Duration.ofSeconds(60));
        String newest = assertion(signIn(instance, currentCode(enrolled)));
        assertThat(kid(lastOld)).isEqualTo(kid(first));
        assertThat(kid(newest))
                .isEqualTo(keys(EnvelopeAssertionSigner.FAMILY).get(1).kid());
        AssertionVerifier verifier = new AssertionVerifier(app.assertionSigner(true), settings);
        app.clock.advance(Duration.ofMinutes(3));
        assertThat(verifier.check(user, lastOld, app.clock.instant())).isPresent();
        assertThat(verifier.check(user, newest, app.clock.instant())).isPresent();

        // AND once the old key's last assertion has expired, the JWKS drops it
        app.clock.advance(KeySchedule.RETIRED_KEPT);
        assertThat(jwksKids()).containsExactly(kid(newest));
        assertThat(new AssertionVerifier(app.assertionSigner(true), settings).check(user, lastOld, app.clock.instant()))
                .isEmpty();
    }

    @Test
    void aKeyItemReplacedWithoutKms_failsTheSignIn_andLogsNoKeyMaterial() throws Exception {
        // GIVEN two assertion-key generations, and a table writer who swaps the older one's wrapped
        // private key into the newer item (they cannot make a wrapped key of their own)
        Enrollment.Enrolled enrolled = Enrollment.enroll(app, user);
        AssertionSigner signer = app.assertionSigner(true);
        signer.signingKey();
        app.clock.advance(KeySchedule.DEFAULT_ROTATION);
        signer.signingKey();
        app.clock.advance(KeySchedule.DEFAULT_PUBLISH_AHEAD);
        List<StoredKey> keys = keys(EnvelopeAssertionSigner.FAMILY);
        assertThat(keys).hasSize(2);
        app.dynamo.updateItem(u -> u.tableName(app.table)
                .key(Map.of(
                        "pk", AttributeValue.fromS(DynamoKeyItems.partition(EnvelopeAssertionSigner.FAMILY)),
                        "sk", AttributeValue.fromS("KEY#0000000002")))
                .updateExpression("SET wrappedKey = :w")
                .expressionAttributeValues(Map.of(
                        ":w",
                        AttributeValue.fromB(SdkBytes.fromByteArray(keys.get(0).wrappedKey())))));

        // WHEN a fresh instance serves a sign-in
        var signedIn = Stdout.capture(
                () -> signIn(app.withKeys(app.secretCipher(true), app.assertionSigner(true)), currentCode(enrolled)));
        APIGatewayV2HTTPResponse response = signedIn.result();
        String log = signedIn.printed();
        System.out.print(log);

        // THEN it fails closed (no assertion), and nothing secret is in the log
        assertThat(response.getStatusCode()).isEqualTo(500);
        assertThat(response.getBody()).doesNotContain("assertion\"");
        assertNoKeyMaterialIn(log, enrolled);
        assertNoKeyMaterialIn(response.getBody(), enrolled);
    }

    @Test
    void theJwks_inEnvelopeMode_needsNoKms() throws IOException {
        app.assertionSigner.signingKey();
        URI dead;
        try (ServerSocket socket = new ServerSocket(0)) {
            dead = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        KmsClient deadKms = Emulators.at(dead, KmsClient.builder()).build();
        AssertionSigner publishing = new EnvelopeAssertionSigner(
                app.keyItems,
                () -> new KmsKeyWrapper(deadKms, app.keyId),
                KeySchedule.defaults(),
                new SecureRandom(),
                app.clock);

        APIGatewayV2HTTPResponse response = new JwksHandler(
                        app.withKeys(app.cipher(), publishing).jwks())
                .handleRequest(Api.request("GET /.well-known/jwks.json", null, null), null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getBody())
                .contains(keys(EnvelopeAssertionSigner.FAMILY).getFirst().kid());
        assertThat(response.getBody()).doesNotContain("\"d\"");
    }

    /** The plaintext keys (unwrapped here with the test's own KMS access) and the TOTP secret. */
    private void assertNoKeyMaterialIn(String text, Enrollment.Enrolled enrolled) {
        List<String> secrets = new ArrayList<>();
        for (String family : List.of(EnvelopeAssertionSigner.FAMILY, EnvelopeSecretCipher.FAMILY)) {
            for (StoredKey key : keys(family)) {
                String purpose = family.equals(EnvelopeAssertionSigner.FAMILY)
                        ? EnvelopeAssertionSigner.PURPOSE
                        : EnvelopeSecretCipher.PURPOSE;
                byte[] wrapped = key.wrappedKey();
                secrets.add(Base64.getEncoder().encodeToString(wrapped).substring(0, 24));
                try {
                    byte[] plain = app.keyWrapper.unwrap(wrapped, Map.of("purpose", purpose, "kid", key.kid()));
                    secrets.add(Base64.getEncoder().encodeToString(plain).substring(0, 24));
                    secrets.add(HexFormat.of().formatHex(plain).substring(0, 32));
                } catch (RuntimeException tampered) {
                    // the swapped item: its plaintext is the other generation's, covered there
                }
            }
        }
        secrets.add(enrolled.secret());
        secrets.add(HexFormat.of().formatHex(new Base32().decode(enrolled.secret())));
        for (String secret : secrets) {
            assertThat(text).doesNotContain(secret);
        }
    }

    private List<String> jwksKids() {
        APIGatewayV2HTTPResponse response = new JwksHandler(
                        app.withKeys(app.cipher(), app.assertionSigner(true)).jwks())
                .handleRequest(Api.request("GET /.well-known/jwks.json", null, null), null);
        assertThat(response.getStatusCode()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> keys =
                (List<Map<String, Object>>) Api.body(response).get("keys");
        return keys.stream().map(k -> (String) k.get("kid")).toList();
    }

    private static String assertion(APIGatewayV2HTTPResponse response) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return (String) Api.body(response).get("assertion");
    }

    private static String kid(String jwt) {
        String header = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]), StandardCharsets.UTF_8);
        return header.replaceAll(".*\"kid\":\"([^\"]+)\".*", "$1");
    }
}
