package dev.twofa.it.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.aws.KmsAssertionSigner;
import dev.twofa.aws.KmsKeyWrapper;
import dev.twofa.aws.KmsKeyedHash;
import dev.twofa.aws.KmsSecretCipher;
import dev.twofa.aws.SesMailer;
import dev.twofa.aws.SnsSmsSender;
import dev.twofa.aws.store.DynamoTwoFactorStore;
import dev.twofa.domain.sms.SmsCodes;
import dev.twofa.envelope.EnvelopeAssertionSigner;
import dev.twofa.envelope.EnvelopeSecretCipher;
import dev.twofa.envelope.KeySchedule;
import dev.twofa.envelope.SecretFormat;
import dev.twofa.functions.activatelink.ActivateLinkHandler;
import dev.twofa.functions.disable.DisableHandler;
import dev.twofa.functions.regeneraterecoverycodes.RegenerateRecoveryCodesHandler;
import dev.twofa.functions.smsconfirm.SmsConfirmHandler;
import dev.twofa.functions.smssend.SmsSendHandler;
import dev.twofa.functions.startenable.StartEnableHandler;
import dev.twofa.functions.verifylogin.VerifyLoginHandler;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.FaultInjector;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.RecordingInterceptor;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import dev.twofa.wiring.CryptoModes;
import dev.twofa.wiring.Wiring;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GenerateMacRequest;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Commit last: whatever can fail (signing, hashing, sending) runs before the write that spends a
 * credential, or in its transaction. Each test makes the real SDK client fail exactly at the step
 * after the check (KMS Sign, the change's own transaction, the email, the SMS), expects 503 +
 * Retry-After problem+json, and then, on a healthy wiring, uses the very same credential once: the
 * failed request spent nothing and the audit trail has no success of it. Before this rule a KMS
 * outage cost one recovery code per retry, and a failed removal spent the TOTP code proving it.
 */
class CommitLastIT {
    private static final String DEPENDENCY_UNAVAILABLE = "urn:twofa:problem:dependency-unavailable";
    private static final String INVALID_CODE = "urn:twofa:problem:invalid-code";

    private final String user = "user-" + UUID.randomUUID();
    private final FaultInjector faults = new FaultInjector();
    /** Every call the faulty wiring makes, across DynamoDB, KMS, SES and SNS, in order. */
    private final RecordingInterceptor calls = new RecordingInterceptor();

    /** The app in the production key modes, or with KMS Sign for every assertion (ASSERTION_SIGNING=kms). */
    private static TestApp app(boolean kmsSigning) {
        return kmsSigning ? new TestApp(Map.of(CryptoModes.ASSERTION_SIGNING, CryptoModes.KMS)) : new TestApp();
    }

    /** The app's wiring on clients of its own, each with the fault injector and the call recorder. */
    private Wiring faulty(TestApp app) {
        ClientOverrideConfiguration withFaults = ClientOverrideConfiguration.builder()
                .addExecutionInterceptor(calls)
                .addExecutionInterceptor(faults)
                .build();
        DynamoDbClient dynamo = Emulators.at(Emulators.dynamoEndpoint(), DynamoDbClient.builder())
                .overrideConfiguration(withFaults)
                .build();
        KmsClient kms = Emulators.at(Emulators.awsEndpoint(), KmsClient.builder())
                .overrideConfiguration(withFaults)
                .build();
        SesClient ses = Emulators.at(Emulators.awsEndpoint(), SesClient.builder())
                .overrideConfiguration(withFaults)
                .build();
        SnsClient sns = Emulators.at(Emulators.awsEndpoint(), SnsClient.builder())
                .overrideConfiguration(withFaults)
                .build();
        KmsKeyWrapper wrapper = new KmsKeyWrapper(kms, app.keyId);
        return app.withAdapters(
                new DynamoTwoFactorStore(dynamo, app.table, app.auditTrail),
                new SecretFormat(
                        app.envelopeSecrets,
                        new KmsSecretCipher(kms, app.keyId),
                        new EnvelopeSecretCipher(app.keyItems, () -> wrapper, new SecureRandom(), app.clock)),
                new SesMailer(ses, TestApp.SENDER),
                new KmsKeyedHash(kms, app.macKeyId),
                new SnsSmsSender(sns, Optional.of("TwoFA")),
                app.envelopeSigning
                        ? new EnvelopeAssertionSigner(
                                app.keyItems, () -> wrapper, KeySchedule.defaults(), new SecureRandom(), app.clock)
                        : new KmsAssertionSigner(kms, app.assertionKeyId));
    }

    /** The transaction whose writes include an account update containing {@code fragment}. */
    private static Predicate<SdkRequest> transactionUpdating(String fragment) {
        return request -> request instanceof TransactWriteItemsRequest transaction
                && transaction.transactItems().stream()
                        .map(TransactWriteItem::update)
                        .anyMatch(u -> u != null && u.updateExpression().contains(fragment));
    }

    private void assertFailedAt503(APIGatewayV2HTTPResponse response) {
        assertThat(faults.fired()).as("the injected fault was met").isTrue();
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(503);
        assertThat(response.getHeaders()).containsKey("Retry-After");
        assertThat(response.getHeaders().get("Content-Type")).startsWith("application/problem+json");
        assertThat(Api.problemType(response)).isEqualTo(DEPENDENCY_UNAVAILABLE);
    }

    private static void assertStatus(APIGatewayV2HTTPResponse response, int status) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(status);
    }

    private static void assertInvalidCode(APIGatewayV2HTTPResponse response) {
        assertStatus(response, 400);
        assertThat(Api.problemType(response)).isEqualTo(INVALID_CODE);
    }

    /** The event types the user's audit trail holds (what DynamoDB committed, not the log). */
    private List<String> audit(TestApp app) {
        return app.auditTrail.recent(user, 100, Optional.empty()).events().stream()
                .map(e -> e.type())
                .toList();
    }

    private long audited(TestApp app, String type) {
        return audit(app).stream().filter(type::equals).count();
    }

    private static Map<String, Object> body(Object... keyValues) {
        Map<String, Object> body = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            body.put((String) keyValues[i], keyValues[i + 1]);
        }
        return body;
    }

    private static String code(Enrollment.Enrolled enrolled, int stepsAhead) {
        return IndependentTotp.code(enrolled.secret(), enrolled.enrollmentStep() + stepsAhead);
    }

    private static int recoveryCodesLeft(TestApp app, String userId) {
        return new DynamoTwoFactorStore(app.dynamo, app.table, app.auditTrail).countRecoveryCodes(userId);
    }

    // ---- sign-in: the assertion is signed before the code is spent ----

    /** The reported bug: each retry during a KMS Sign outage cost one of the ten recovery codes. */
    @Test
    void verifyWithRecoveryCode_kmsSignFails_is503_andTheSameRecoveryCodeWorksOnce() {
        TestApp app = app(true);
        Enrollment.Enrolled enrolled = Enrollment.enroll(app, user);
        String recoveryCode = enrolled.recoveryCodes().get(3);
        VerifyLoginHandler broken = new VerifyLoginHandler(faulty(app).verifyLogin());

        for (int retry = 0; retry < 3; retry++) {
            faults.failNext("Sign");
            assertFailedAt503(broken.handleRequest(
                    Api.request("POST /2fa/verify", user, Api.json(Map.of("recoveryCode", recoveryCode))), null));
        }
        assertThat(recoveryCodesLeft(app, user)).isEqualTo(10);
        assertThat(audit(app)).doesNotContain("verify_succeeded", "recovery_code_used");

        APIGatewayV2HTTPResponse verified = Enrollment.verify(app, user, "recoveryCode", recoveryCode);
        assertStatus(verified, 200);
        assertThat((String) Api.body(verified).get("assertion")).isNotBlank();
        assertThat(recoveryCodesLeft(app, user)).isEqualTo(9);
        assertInvalidCode(Enrollment.verify(app, user, "recoveryCode", recoveryCode));
        assertThat(audited(app, "verify_succeeded")).isEqualTo(1);
        assertThat(audited(app, "recovery_code_used")).isEqualTo(1);
    }

    @Test
    void verifyWithTotp_kmsSignFails_is503_andTheSameCodeWorksOnceInItsStep() {
        TestApp app = app(true);
        Enrollment.Enrolled enrolled = Enrollment.enroll(app, user);
        app.clock.advance(Duration.ofSeconds(30));
        String code = code(enrolled, 1);
        faults.failNext("Sign");
        assertFailedAt503(new VerifyLoginHandler(faulty(app).verifyLogin())
                .handleRequest(Api.request("POST /2fa/verify", user, Api.json(Map.of("code", code))), null));
        assertThat(audit(app)).doesNotContain("verify_succeeded");

        assertStatus(Enrollment.verify(app, user, "code", code), 200);
        assertInvalidCode(Enrollment.verify(app, user, "code", code));
        assertThat(audited(app, "verify_succeeded")).isEqualTo(1);
    }

    /**
     * The commit is the last call that can fail: KMS Sign comes before the transaction, and after it
     * nothing is read or counted (the codes left come from the set read to compare against); only
     * the best-effort notices follow.
     */
    @Test
    void verifyWithRecoveryCode_signsBeforeTheCommit_andReadsNothingAfterIt() {
        TestApp app = app(true);
        Enrollment.Enrolled enrolled = Enrollment.enroll(app, user);
        calls.clear();
        APIGatewayV2HTTPResponse verified = new VerifyLoginHandler(faulty(app).verifyLogin())
                .handleRequest(
                        Api.request(
                                "POST /2fa/verify",
                                user,
                                Api.json(Map.of(
                                        "recoveryCode", enrolled.recoveryCodes().get(0)))),
                        null);
        assertStatus(verified, 200);
        List<String> operations = calls.operations();
        int commit = operations.lastIndexOf("TransactWriteItems");
        assertThat(operations.subList(0, commit)).contains("Sign");
        assertThat(operations.subList(commit + 1, operations.size())).containsOnly("SendEmail");
    }

    /** A notice after a committed sign-in is best effort: its failure is recorded, never a 503. */
    @Test
    void verifyWithRecoveryCode_noticeFailsAfterTheCommit_isStill200_andTheFailureIsRecorded() {
        TestApp app = app(false);
        Enrollment.Enrolled enrolled = Enrollment.enroll(app, user);
        String recoveryCode = enrolled.recoveryCodes().get(0);
        faults.failNext("SendEmail");
        APIGatewayV2HTTPResponse verified = new VerifyLoginHandler(faulty(app).verifyLogin())
                .handleRequest(
                        Api.request("POST /2fa/verify", user, Api.json(Map.of("recoveryCode", recoveryCode))), null);
        assertThat(faults.fired()).isTrue();
        assertStatus(verified, 200);
        assertThat(app.events.namesFor(user)).contains("notification_failed");
        assertThat(audited(app, "verify_succeeded")).isEqualTo(1);
        // The sign-in stands, so its code is spent.
        assertInvalidCode(Enrollment.verify(app, user, "recoveryCode", recoveryCode));
    }

    @Test
    void smsLogin_kmsSignFails_is503_andTheSameSmsCodeWorksOnce() {
        TestApp app = app(true);
        String phone = Sms.uniqueDanishMobile();
        Sms.enable(app, user, phone);
        app.clock.advance(Duration.ofSeconds(31));
        assertStatus(Sms.send(app, user, "login", null), 202);
        String smsCode = Sms.lastCode(phone);

        faults.failNext("Sign");
        assertFailedAt503(new SmsConfirmHandler(faulty(app).smsConfirm())
                .handleRequest(
                        Api.request(
                                "POST /2fa/sms/confirm", user, Api.json(Map.of("purpose", "login", "code", smsCode))),
                        null));
        assertThat(audit(app)).doesNotContain("verify_succeeded");

        APIGatewayV2HTTPResponse confirmed = Sms.confirm(app, user, "login", smsCode);
        assertStatus(confirmed, 200);
        assertThat((String) Api.body(confirmed).get("assertion")).isNotBlank();
        assertThat(Sms.confirm(app, user, "login", smsCode).getStatusCode()).isEqualTo(400);
        assertThat(audited(app, "verify_succeeded")).isEqualTo(1);
    }

    /** A KMS outage while hashing the presented code must not use up the code's checks. */
    @Test
    void smsConfirm_keyedHashFailsMoreTimesThanTheCodeHasChecks_andTheCodeStillWorks() {
        TestApp app = app(false);
        String phone = Sms.uniqueDanishMobile();
        Sms.enable(app, user, phone);
        app.clock.advance(Duration.ofSeconds(31));
        assertStatus(Sms.send(app, user, "login", null), 202);
        String smsCode = Sms.lastCode(phone);
        SmsConfirmHandler broken = new SmsConfirmHandler(faulty(app).smsConfirm());

        for (int retry = 0; retry <= SmsCodes.MAX_CHECKS; retry++) {
            faults.failNext("GenerateMac");
            assertFailedAt503(broken.handleRequest(
                    Api.request("POST /2fa/sms/confirm", user, Api.json(Map.of("purpose", "login", "code", smsCode))),
                    null));
        }
        assertStatus(Sms.confirm(app, user, "login", smsCode), 200);
    }

    /** The code's hash fails after every limit was taken: the limits are given back, so a retry need not wait. */
    @Test
    void smsSend_codeHashFailsAfterTheLimitsWereTaken_is503_andTheRetryIsNotMadeToWait() {
        TestApp app = app(false);
        String phone = Sms.uniqueDanishMobile();
        Sms.enable(app, user, phone);
        app.clock.advance(Duration.ofSeconds(31));
        // The first GenerateMac names the number for its limits; the second hashes the code.
        faults.failNext(request -> request instanceof GenerateMacRequest mac
                && !mac.message().asUtf8String().startsWith("sms-rate-limit"));
        assertFailedAt503(new SmsSendHandler(faulty(app).smsSend())
                .handleRequest(Api.request("POST /2fa/sms/send", user, Api.json(Map.of("purpose", "login"))), null));
        int sent = Sms.count(phone);

        assertStatus(Sms.send(app, user, "login", null), 202);
        assertThat(Sms.count(phone)).isEqualTo(sent + 1);
    }

    /** A repeatable notice whose hourly claim cannot be written: the answer does not wait on it. */
    @Test
    void aReplayNotice_whoseClaimCannotBeWritten_isRecordedAsFailed_andTheAnswerStands() {
        TestApp app = app(false);
        Enrollment.Enrolled enrolled = Enrollment.enroll(app, user);
        String code = code(enrolled, 1);
        assertStatus(Enrollment.verify(app, user, "code", code), 200);
        faults.failNext(request -> request instanceof PutItemRequest put
                && put.item().get("sk").s().startsWith("NOTICE#"));

        APIGatewayV2HTTPResponse replayed = new VerifyLoginHandler(faulty(app).verifyLogin())
                .handleRequest(Api.request("POST /2fa/verify", user, Api.json(Map.of("code", code))), null);

        assertThat(faults.fired()).isTrue();
        assertInvalidCode(replayed);
        assertThat(app.events.namesFor(user)).contains("replay_refused", "notification_failed");
        assertThat(Emulators.sentEmailsTo(Api.emailOf(user)))
                .noneMatch(e -> e.subject().equals("A used sign-in code was tried again"));
    }

    /** No address to tell: an SMS-only user whose identity provider never verified one. */
    @Test
    void aNoticeWithNoAddressToSendTo_isRecordedAsSkipped() {
        TestApp app = app(false);
        String phone = Sms.uniqueDanishMobile();
        Map<String, String> unverified = Map.of("email_verified", "false");
        assertStatus(
                app.smsSend()
                        .handleRequest(
                                Api.request(
                                        "POST /2fa/sms/send",
                                        user,
                                        Api.json(Map.of("purpose", "enable", "phoneNumber", phone)),
                                        unverified),
                                null),
                202);
        assertStatus(
                app.smsConfirm()
                        .handleRequest(
                                Api.request(
                                        "POST /2fa/sms/confirm",
                                        user,
                                        Api.json(Map.of("purpose", "enable", "code", Sms.lastCode(phone))),
                                        unverified),
                                null),
                200);

        assertThat(app.events.namesFor(user)).contains("sms_enabled", "notification_skipped");
        assertThat(Emulators.sentEmailsTo(Api.emailOf(user))).isEmpty();
    }

    // ---- factor changes: the step-up proof is spent in the change's own transaction ----

    @Test
    void disableWithTotp_removalWriteFails_is503_theFactorStays_andTheSameCodeWorksOnce() {
        TestApp app = app(false);
        Enrollment.Enrolled enrolled = Enrollment.enroll(app, user);
        app.clock.advance(Duration.ofSeconds(30));
        String code = code(enrolled, 1);
        faults.failNext(transactionUpdating("totpSecret"));
        assertFailedAt503(new DisableHandler(faulty(app).disableTotp())
                .handleRequest(Api.request("POST /2fa/disable", user, Api.json(Map.of("code", code))), null));
        assertThat(Enrollment.status(app, user)).containsEntry("totp", Map.of("enabled", true));
        assertThat(recoveryCodesLeft(app, user)).isEqualTo(10);
        assertThat(audit(app)).doesNotContain("totp_disabled");

        assertStatus(Enrollment.disable(app, user, "code", code), 200);
        assertThat(Enrollment.status(app, user)).containsEntry("totp", Map.of("enabled", false));
        assertThat(audited(app, "totp_disabled")).isEqualTo(1);
    }

    @Test
    void regenerateWithRecoveryCode_replaceWriteFails_is503_theOldSetStays_andTheProofWorksOnce() {
        TestApp app = app(false);
        Enrollment.Enrolled enrolled = Enrollment.enroll(app, user);
        String proof = enrolled.recoveryCodes().get(5);
        faults.failNext(transactionUpdating("recoverySalt = :salt"));
        assertFailedAt503(new RegenerateRecoveryCodesHandler(faulty(app).regenerateRecoveryCodes())
                .handleRequest(
                        Api.request(
                                "POST /2fa/recovery-codes/regenerate", user, Api.json(Map.of("recoveryCode", proof))),
                        null));
        assertThat(recoveryCodesLeft(app, user)).isEqualTo(10);
        assertThat(audit(app)).doesNotContain("recovery_codes_regenerated", "recovery_code_used");

        APIGatewayV2HTTPResponse regenerated = app.regenerateRecoveryCodes()
                .handleRequest(
                        Api.request(
                                "POST /2fa/recovery-codes/regenerate", user, Api.json(Map.of("recoveryCode", proof))),
                        null);
        assertStatus(regenerated, 200);
        assertThat(recoveryCodesLeft(app, user)).isEqualTo(10);
        assertThat(audited(app, "recovery_codes_regenerated")).isEqualTo(1);
        // The old set, the proof among it, is gone with the regeneration.
        assertInvalidCode(Enrollment.verify(
                app, user, "recoveryCode", enrolled.recoveryCodes().get(0)));
    }

    @Test
    void smsRemovalWithRecoveryCode_writeFails_is503_smsStays_andTheSameRecoveryCodeWorksOnce() {
        TestApp app = app(false);
        Enrollment.Enrolled enrolled = Enrollment.enroll(app, user);
        String phone = Sms.uniqueDanishMobile();
        Sms.enable(app, user, phone, Map.of("code", code(enrolled, 1)));
        String proof = enrolled.recoveryCodes().get(2);
        Map<String, Object> disable = body("purpose", "disable", "recoveryCode", proof);

        faults.failNext(transactionUpdating("smsEnabledAt"));
        assertFailedAt503(new SmsConfirmHandler(faulty(app).smsConfirm())
                .handleRequest(Api.request("POST /2fa/sms/confirm", user, Api.json(disable)), null));
        assertThat(Enrollment.status(app, user).get("sms")).isNotEqualTo(Map.of("enabled", false));
        assertThat(recoveryCodesLeft(app, user)).isEqualTo(10);
        assertThat(audit(app)).doesNotContain("sms_disabled", "recovery_code_used");

        assertStatus(
                app.smsConfirm().handleRequest(Api.request("POST /2fa/sms/confirm", user, Api.json(disable)), null),
                200);
        assertThat(Enrollment.status(app, user).get("sms")).isEqualTo(Map.of("enabled", false));
        assertThat(recoveryCodesLeft(app, user)).isEqualTo(9);
        assertThat(audited(app, "sms_disabled")).isEqualTo(1);
    }

    /** Step-up before a send: the SMS leaves before the proof is spent, and a failed send spends neither. */
    @Test
    void smsEnableWithTotp_snsFails_is503_andTheSameCodeProvesAgain_withoutWaiting() {
        TestApp app = app(false);
        Enrollment.Enrolled enrolled = Enrollment.enroll(app, user);
        app.clock.advance(Duration.ofSeconds(30));
        String phone = Sms.uniqueDanishMobile();
        Map<String, Object> enable = body("purpose", "enable", "phoneNumber", phone, "code", code(enrolled, 1));

        faults.failNext("Publish");
        assertFailedAt503(new SmsSendHandler(faulty(app).smsSend())
                .handleRequest(Api.request("POST /2fa/sms/send", user, Api.json(enable)), null));
        assertThat(Sms.count(phone)).isZero();

        // Same instant: neither the code nor the user's 30 s send gap was spent.
        assertStatus(app.smsSend().handleRequest(Api.request("POST /2fa/sms/send", user, Api.json(enable)), null), 202);
        assertStatus(Sms.confirm(app, user, "enable", Sms.lastCode(phone)), 200);
    }

    @Test
    void smsEnableWithTotp_storeFailsAfterTheSms_is503_theTextedCodeIsDead_andTheProofWorks() {
        TestApp app = app(false);
        Enrollment.Enrolled enrolled = Enrollment.enroll(app, user);
        app.clock.advance(Duration.ofSeconds(30));
        String phone = Sms.uniqueDanishMobile();
        Map<String, Object> enable = body("purpose", "enable", "phoneNumber", phone, "code", code(enrolled, 1));

        faults.failNext("TransactWriteItems");
        assertFailedAt503(new SmsSendHandler(faulty(app).smsSend())
                .handleRequest(Api.request("POST /2fa/sms/send", user, Api.json(enable)), null));
        assertThat(Sms.count(phone)).isEqualTo(1);
        String dead = Sms.lastCode(phone);

        assertStatus(app.smsSend().handleRequest(Api.request("POST /2fa/sms/send", user, Api.json(enable)), null), 202);
        String live = Sms.lastCode(phone);
        if (!live.equals(dead)) {
            assertInvalidCode(Sms.confirm(app, user, "enable", dead));
        }
        assertStatus(Sms.confirm(app, user, "enable", live), 200);
        assertThat(audited(app, "sms_enabled")).isEqualTo(1);
    }

    /** An SMS-only user starts the authenticator with the assertion of an SMS sign-in (step-up). */
    private String smsOnlyUserWithAssertion(TestApp app) {
        String phone = Sms.uniqueDanishMobile();
        Sms.enable(app, user, phone);
        app.clock.advance(Duration.ofSeconds(31));
        assertStatus(Sms.send(app, user, "login", null), 202);
        APIGatewayV2HTTPResponse confirmed = Sms.confirm(app, user, "login", Sms.lastCode(phone));
        assertStatus(confirmed, 200);
        return (String) Api.body(confirmed).get("assertion");
    }

    @Test
    void startEnableWithAssertion_emailFails_is503_andTheSameAssertionProvesAgain_withoutWaiting() {
        TestApp app = app(false);
        String assertion = smsOnlyUserWithAssertion(app);
        Map<String, Object> start = body("assertion", assertion);

        faults.failNext("SendEmail");
        assertFailedAt503(new StartEnableHandler(faulty(app).startEnable())
                .handleRequest(Api.request("POST /2fa/totp/enable", user, Api.json(start)), null));
        assertThat(audit(app)).doesNotContain("totp_enable_started");

        assertStatus(
                app.startEnable().handleRequest(Api.request("POST /2fa/totp/enable", user, Api.json(start)), null),
                202);
        assertStatus(Enrollment.activate(app, user, Enrollment.latestToken(user)), 200);
    }

    @Test
    void startEnableWithAssertion_storeFailsAfterTheEmail_is503_itsLinkIsDead_andTheAssertionProvesAgain() {
        TestApp app = app(false);
        String assertion = smsOnlyUserWithAssertion(app);
        Map<String, Object> start = body("assertion", assertion);

        faults.failNext("TransactWriteItems");
        assertFailedAt503(new StartEnableHandler(faulty(app).startEnable())
                .handleRequest(Api.request("POST /2fa/totp/enable", user, Api.json(start)), null));
        String deadLink = Enrollment.latestToken(user);
        assertThat(Enrollment.activate(app, user, deadLink).getStatusCode()).isEqualTo(400);
        assertThat(audit(app)).doesNotContain("totp_enable_started");

        assertStatus(
                app.startEnable().handleRequest(Api.request("POST /2fa/totp/enable", user, Api.json(start)), null),
                202);
        assertStatus(Enrollment.activate(app, user, Enrollment.latestToken(user)), 200);
        assertThat(audited(app, "totp_enable_started")).isEqualTo(1);
    }

    /**
     * With the proof spent last, a used assertion must still be refused at the check: otherwise each
     * replay would send an activation email (with a dead link) before its transaction is refused.
     */
    @Test
    void startEnableWithAUsedAssertion_isRefusedAtTheCheck_beforeAnyEmailIsSent() {
        TestApp app = app(false);
        String assertion = smsOnlyUserWithAssertion(app);
        Map<String, Object> start = body("assertion", assertion);
        assertStatus(
                app.startEnable().handleRequest(Api.request("POST /2fa/totp/enable", user, Api.json(start)), null),
                202);
        app.clock.advance(Duration.ofSeconds(31));

        assertInvalidCode(
                app.startEnable().handleRequest(Api.request("POST /2fa/totp/enable", user, Api.json(start)), null));
        assertThat(Emulators.sentEmailsTo(Api.emailOf(user)))
                .filteredOn(e -> e.subject().startsWith("Activate"))
                .hasSize(1);
    }

    @Test
    void activation_storeWriteFails_is503_andTheSameLinkWorksOnce() {
        TestApp app = app(false);
        String token = Enrollment.startAndReadToken(app, user);
        faults.failNext("TransactWriteItems");
        assertFailedAt503(new ActivateLinkHandler(faulty(app).activateLink())
                .handleRequest(Api.request("POST /2fa/totp/activate", user, Api.json(Map.of("token", token))), null));
        assertStatus(Enrollment.activate(app, user, token), 200);
        assertThat(Enrollment.activate(app, user, token).getStatusCode()).isEqualTo(400);
    }
}
