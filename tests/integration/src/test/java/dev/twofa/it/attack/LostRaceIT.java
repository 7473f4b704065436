package dev.twofa.it.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.aws.store.DynamoTwoFactorStore;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.functions.confirmtotp.ConfirmTotpHandler;
import dev.twofa.functions.smsconfirm.SmsConfirmHandler;
import dev.twofa.functions.smssend.SmsSendHandler;
import dev.twofa.functions.startenable.StartEnableHandler;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.FaultInjector;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import dev.twofa.it.support.WireRace;
import dev.twofa.port.TwoFactorStore;
import dev.twofa.port.TwoFactorStore.SendHistory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.ses.SesClient;

/**
 * A change whose commit loses to another request that landed between its reads and its write:
 * the conditional write refuses it, and the answer says what happened (the settings changed, 409;
 * or the code no longer fits, 400), with nothing half-written. Each race is staged on the wire
 * ({@link WireRace}), so every branch is met on every run rather than by luck.
 */
class LostRaceIT {
    private static final String EMAIL_HISTORY = "MAILRATE#USER#";

    private final TestApp app = new TestApp();
    private final String userId = "user-" + UUID.randomUUID();
    private final TwoFactorStore store = new DynamoTwoFactorStore(app.dynamo, app.table, app.auditTrail);

    private List<SecurityEvent> events(String type) {
        return app.events.all().stream()
                .filter(e -> e.userId().equals(userId) && e.type().equals(type))
                .toList();
    }

    private static APIGatewayV2HTTPResponse confirmWith(ConfirmTotpHandler handler, String userId, String code) {
        return handler.handleRequest(
                Api.request("POST /2fa/totp/confirm", userId, Api.json(Map.of("code", code))), null);
    }

    /** Activates a fresh setup and answers its secret. */
    private String pendingSecret() {
        APIGatewayV2HTTPResponse activated =
                Enrollment.activate(app, userId, Enrollment.startAndReadToken(app, userId));
        assertThat(activated.getStatusCode()).as(activated.getBody()).isEqualTo(200);
        return (String) Api.body(activated).get("secret");
    }

    private String currentCode(String secret) {
        return IndependentTotp.code(secret, IndependentTotp.step(app.clock.instant()));
    }

    @Test
    void theAppConfirmed_whileSmsWasTurnedOn_isAStateChange_andTheAppStaysOff() {
        String secret = pendingSecret();
        String phone = Sms.uniqueDanishMobile();
        WireRace race = WireRace.beforeCommit(app, () -> Sms.enable(app, userId, phone));

        APIGatewayV2HTTPResponse lost =
                confirmWith(new ConfirmTotpHandler(race.held().confirmTotp()), userId, currentCode(secret));

        assertThat(race.fired()).isTrue();
        assertThat(lost.getStatusCode()).as(lost.getBody()).isEqualTo(409);
        assertThat(Api.problemType(lost)).isEqualTo("urn:twofa:problem:wrong-state");
        assertThat(Enrollment.status(app, userId).get("totp"))
                .extracting("enabled")
                .isEqualTo(false);
        assertThat(events("totp_enabled")).isEmpty();
        assertThat(events("verify_failed")).isEmpty();
    }

    @Test
    void theAppConfirmed_whileTheSetupWasStartedAgain_isAWrongCode_forTheVoidedSetup() {
        String secret = pendingSecret();
        String code = currentCode(secret);
        // A second Enable 2FA (another tab) replaces the setup this request read: its code is void.
        WireRace race = WireRace.beforeCommit(app, () -> {
            app.clock.advance(Duration.ofSeconds(31));
            Enrollment.startAndReadToken(app, userId);
        });

        APIGatewayV2HTTPResponse lost =
                confirmWith(new ConfirmTotpHandler(race.held().confirmTotp()), userId, code);

        assertThat(race.fired()).isTrue();
        assertThat(lost.getStatusCode()).as(lost.getBody()).isEqualTo(400);
        assertThat(Api.problemType(lost)).isEqualTo("urn:twofa:problem:invalid-code");
        assertThat(events("verify_failed"))
                .extracting(e -> e.details().get("reason"))
                .containsExactly("enrollment changed concurrently");
        assertThat(Enrollment.status(app, userId).get("totp"))
                .extracting("enabled")
                .isEqualTo(false);
    }

    @Test
    void smsConfirmedOn_whileTheAppWasTurnedOn_isAStateChange_andSmsStaysOff() {
        String phone = Sms.uniqueDanishMobile();
        assertThat(Sms.send(app, userId, "enable", phone).getStatusCode()).isEqualTo(202);
        String code = Sms.lastCode(phone);
        // The number was sent without a proof (no factor then); the app went on before the commit.
        WireRace race = WireRace.beforeCommit(app, () -> Enrollment.enroll(app, userId));

        APIGatewayV2HTTPResponse lost = new SmsConfirmHandler(race.held().smsConfirm())
                .handleRequest(
                        Api.request(
                                "POST /2fa/sms/confirm", userId, Api.json(Map.of("purpose", "enable", "code", code))),
                        null);

        assertThat(race.fired()).isTrue();
        assertThat(lost.getStatusCode()).as(lost.getBody()).isEqualTo(409);
        assertThat(Api.problemType(lost)).isEqualTo("urn:twofa:problem:wrong-state");
        assertThat(Enrollment.status(app, userId).get("sms")).isEqualTo(Map.of("enabled", false));
        assertThat(events("sms_enabled")).isEmpty();
    }

    @Test
    void smsTurnedOffWithARecoveryCode_whileItsCodeTurnedItOff_isAStateChange_andTheRecoveryCodeStaysUnspent() {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        String phone = Sms.uniqueDanishMobile();
        Sms.enable(
                app, userId, phone, Map.of("recoveryCode", user.recoveryCodes().get(0)));
        app.clock.advance(Duration.ofSeconds(31));
        assertThat(Sms.send(app, userId, "disable", null).getStatusCode()).isEqualTo(202);
        String smsCode = Sms.lastCode(phone);
        AtomicReference<APIGatewayV2HTTPResponse> byCode = new AtomicReference<>();
        WireRace race = WireRace.beforeCommit(app, () -> byCode.set(Sms.confirm(app, userId, "disable", smsCode)));

        String recoveryCode = user.recoveryCodes().get(1);
        APIGatewayV2HTTPResponse lost = new SmsConfirmHandler(race.held().smsConfirm())
                .handleRequest(
                        Api.request(
                                "POST /2fa/sms/confirm",
                                userId,
                                Api.json(Map.of("purpose", "disable", "recoveryCode", recoveryCode))),
                        null);

        assertThat(race.fired()).isTrue();
        assertThat(byCode.get().getStatusCode()).as(byCode.get().getBody()).isEqualTo(200);
        assertThat(lost.getStatusCode()).as(lost.getBody()).isEqualTo(409);
        assertThat(Api.problemType(lost)).isEqualTo("urn:twofa:problem:wrong-state");
        assertThat(events("sms_disabled")).hasSize(1);
        // The recovery code was not spent by the request that lost: it still signs in.
        assertThat(Enrollment.verify(app, userId, "recoveryCode", recoveryCode).getStatusCode())
                .isEqualTo(200);
    }

    @Test
    void aNumberSentWithAProof_whileAnotherNumberWasTurnedOn_isAStateChange_andTheProofStaysUnspent() {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        String other = Sms.uniqueDanishMobile();
        WireRace race = WireRace.beforeCommit(app, () -> {
            app.clock.advance(Duration.ofSeconds(31)); // past the held request's own send
            Sms.enable(
                    app,
                    userId,
                    other,
                    Map.of("recoveryCode", user.recoveryCodes().get(0)));
        });

        String recoveryCode = user.recoveryCodes().get(1);
        String phone = Sms.uniqueDanishMobile();
        APIGatewayV2HTTPResponse lost = new SmsSendHandler(race.held().smsSend())
                .handleRequest(
                        Api.request(
                                "POST /2fa/sms/send",
                                userId,
                                Api.json(Map.of(
                                        "purpose", "enable", "phoneNumber", phone, "recoveryCode", recoveryCode))),
                        null);

        assertThat(race.fired()).isTrue();
        assertThat(lost.getStatusCode()).as(lost.getBody()).isEqualTo(409);
        assertThat(Api.problemType(lost)).isEqualTo("urn:twofa:problem:wrong-state");
        assertThat(Enrollment.verify(app, userId, "recoveryCode", recoveryCode).getStatusCode())
                .isEqualTo(200);
    }

    @Test
    void enable2faStartedAgain_whileTheEarlierSetupWasConfirmed_isAStateChange() {
        String secret = pendingSecret();
        WireRace race = WireRace.beforeCommit(app, () -> assertThat(
                        Enrollment.confirm(app, userId, currentCode(secret)).getStatusCode())
                .isEqualTo(200));
        app.clock.advance(Duration.ofSeconds(31));

        APIGatewayV2HTTPResponse lost = new StartEnableHandler(race.held().startEnable())
                .handleRequest(Api.request("POST /2fa/totp/enable", userId, null), null);

        assertThat(race.fired()).isTrue();
        assertThat(lost.getStatusCode()).as(lost.getBody()).isEqualTo(409);
        assertThat(Api.problemType(lost)).isEqualTo("urn:twofa:problem:wrong-state");
        assertThat(events("totp_enable_started")).hasSize(1);
    }

    private static Predicate<SdkRequest> emailHistoryWrite(String userId) {
        String key = EMAIL_HISTORY + userId;
        return r -> (r instanceof PutItemRequest put
                        && key.equals(put.item().get("pk").s()))
                || (r instanceof DeleteItemRequest delete
                        && key.equals(delete.key().get("pk").s()));
    }

    /** Another writer rewrites the email history without adding a send (as a give-back does). */
    private void historyRewritten() {
        String key = EMAIL_HISTORY + userId;
        SendHistory seen = store.findSendHistory(key);
        assertThat(store.saveSendHistory(
                        key, seen, seen.sends(), app.clock.instant().plus(Duration.ofHours(1))))
                .isTrue();
    }

    @Test
    void theEmailLimit_triesItsOptimisticLockTwice_whenAnotherWriterChangedTheHistory() {
        Enrollment.startAndReadToken(app, userId);
        app.clock.advance(Duration.ofSeconds(31));
        WireRace race = WireRace.before(app, emailHistoryWrite(userId), this::historyRewritten);

        APIGatewayV2HTTPResponse started = new StartEnableHandler(race.held().startEnable())
                .handleRequest(Api.request("POST /2fa/totp/enable", userId, null), null);

        assertThat(race.fired()).isTrue();
        assertThat(started.getStatusCode()).as(started.getBody()).isEqualTo(202);
        assertThat(store.findSendHistory(EMAIL_HISTORY + userId).sends()).hasSize(2);
    }

    @Test
    void anEmailThatFailed_isGivenBack_evenWhenAnotherWriterChangedTheHistoryFirst() {
        FaultInjector faults = new FaultInjector();
        SesClient failingSes = Emulators.at(Emulators.awsEndpoint(), SesClient.builder())
                .overrideConfiguration(o -> o.addExecutionInterceptor(faults))
                .build();
        faults.failNext("SendEmail");
        // The give-back deletes the history (its one send); the rewrite lands before that delete.
        WireRace race = WireRace.before(
                app,
                r -> r instanceof DeleteItemRequest && emailHistoryWrite(userId).test(r),
                this::historyRewritten);

        APIGatewayV2HTTPResponse failed = new StartEnableHandler(
                        race.held(failingSes).startEnable())
                .handleRequest(Api.request("POST /2fa/totp/enable", userId, null), null);

        assertThat(faults.fired()).isTrue();
        assertThat(race.fired()).isTrue();
        assertThat(failed.getStatusCode()).as(failed.getBody()).isEqualTo(503);
        assertThat(store.findSendHistory(EMAIL_HISTORY + userId).sends()).isEmpty();
        // Nothing was spent: the retry is not told to wait 30 seconds.
        APIGatewayV2HTTPResponse retried =
                app.startEnable().handleRequest(Api.request("POST /2fa/totp/enable", userId, null), null);
        assertThat(retried.getStatusCode()).as(retried.getBody()).isEqualTo(202);
    }
}
