package dev.twofa.it.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.functions.disable.DisableHandler;
import dev.twofa.functions.smsconfirm.SmsConfirmHandler;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import dev.twofa.it.support.WireRace;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Under an organisation that requires two-factor authentication, turning the app off while SMS is
 * turned off by another request: the app's transaction loses, and the answer says what happened (the
 * other factor went, 409), not that the user's proof was a replay: the proof stays unspent and no
 * replay is reported or counted. Turning SMS off with another proof is told to the user as well.
 */
class MandatoryFactorRaceIT {
    private static final String OPERATOR = Api.supportSession("bob@ops.twofa.test");

    private final TestApp app = new TestApp();
    private final String userId = "member-" + UUID.randomUUID();
    private final String org = "acme-" + UUID.randomUUID();
    private final Map<String, String> member = Map.of("org_id", org);

    private Enrollment.Enrolled bothFactors(String phone) {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        Sms.enable(
                app, userId, phone, Map.of("recoveryCode", user.recoveryCodes().get(0)));
        return user;
    }

    private void requireTwoFactor() {
        APIGatewayV2HTTPResponse set = app.orgPolicy()
                .handleRequest(
                        Api.operatorRequest(
                                "PUT /operator/org-policy",
                                OPERATOR,
                                Api.json(Map.of("orgId", org, "mfaRequired", true, "reason", "audit"))),
                        null);
        assertThat(set.getStatusCode()).as(set.getBody()).isEqualTo(200);
    }

    private APIGatewayV2HTTPResponse smsRequest(String route, Map<String, Object> body) {
        var request = Api.request(route, userId, Api.json(body), member);
        return route.endsWith("send")
                ? app.smsSend().handleRequest(request, null)
                : app.smsConfirm().handleRequest(request, null);
    }

    @Test
    void smsTurnedOffWhileTheAppIsTurnedOff_refusesTheApp_asAStateChange_notAReplay() {
        String phone = Sms.uniqueDanishMobile();
        Enrollment.Enrolled user = bothFactors(phone);
        requireTwoFactor();
        app.clock.advance(Duration.ofSeconds(31));
        assertThat(smsRequest("POST /2fa/sms/send", Map.of("purpose", "disable"))
                        .getStatusCode())
                .isEqualTo(202);
        String smsCode = Sms.lastCode(phone);

        // The app's disable read both factors on; before its transaction, SMS goes off.
        AtomicReference<APIGatewayV2HTTPResponse> smsOff = new AtomicReference<>();
        WireRace race = WireRace.beforeCommit(
                app,
                () -> smsOff.set(smsRequest("POST /2fa/sms/confirm", Map.of("purpose", "disable", "code", smsCode))));
        DisableHandler disable = new DisableHandler(race.held().disableTotp());
        String code = IndependentTotp.code(user.secret(), user.enrollmentStep() + 1);
        APIGatewayV2HTTPResponse refused = disable.handleRequest(
                Api.request("POST /2fa/disable", userId, Api.json(Map.of("code", code)), member), null);

        assertThat(smsOff.get().getStatusCode()).as(smsOff.get().getBody()).isEqualTo(200);
        assertThat(refused.getStatusCode()).as(refused.getBody()).isEqualTo(409);
        assertThat(Api.problemType(refused)).isEqualTo("urn:twofa:problem:wrong-state");
        assertThat(Enrollment.status(app, userId).get("totp")).isEqualTo(Map.of("enabled", true));
        assertThat(app.events.namesFor(userId)).doesNotContain("replay_refused", "verify_failed", "totp_disabled");
        // The code the refused request carried was never spent: it still signs in.
        assertThat(Enrollment.verify(app, userId, "code", code).getStatusCode()).isEqualTo(200);
    }

    @Test
    void underTheMandatoryPolicy_aMemberWithoutAFactor_turnsSmsOn_andSignsInWithIt() {
        requireTwoFactor();
        String phone = Sms.uniqueDanishMobile();
        assertThat(smsRequest("POST /2fa/sms/send", Map.of("purpose", "enable", "phoneNumber", phone))
                        .getStatusCode())
                .isEqualTo(202);
        APIGatewayV2HTTPResponse on =
                smsRequest("POST /2fa/sms/confirm", Map.of("purpose", "enable", "code", Sms.lastCode(phone)));
        assertThat(on.getStatusCode()).as(on.getBody()).isEqualTo(200);
        app.clock.advance(Duration.ofSeconds(31));
        assertThat(smsRequest("POST /2fa/sms/send", Map.of("purpose", "login")).getStatusCode())
                .isEqualTo(202);
        APIGatewayV2HTTPResponse signedIn =
                smsRequest("POST /2fa/sms/confirm", Map.of("purpose", "login", "code", Sms.lastCode(phone)));
        assertThat(signedIn.getStatusCode()).as(signedIn.getBody()).isEqualTo(200);
        // Turning the only factor off stays refused.
        app.clock.advance(Duration.ofSeconds(31));
        APIGatewayV2HTTPResponse off = smsRequest("POST /2fa/sms/send", Map.of("purpose", "disable"));
        assertThat(off.getStatusCode()).as(off.getBody()).isEqualTo(409);
    }

    @Test
    void theAppTurnedOffByAnotherRequestMeanwhile_isAStateChange_notAReplay() {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        AtomicReference<APIGatewayV2HTTPResponse> other = new AtomicReference<>();
        WireRace race = WireRace.beforeCommit(app, () -> {
            other.set(Enrollment.disable(
                    app, userId, "recoveryCode", user.recoveryCodes().get(0)));
        });
        DisableHandler disable = new DisableHandler(race.held().disableTotp());
        String code = IndependentTotp.code(user.secret(), user.enrollmentStep() + 1);
        APIGatewayV2HTTPResponse refused =
                disable.handleRequest(Api.request("POST /2fa/disable", userId, Api.json(Map.of("code", code))), null);

        assertThat(other.get().getStatusCode()).as(other.get().getBody()).isEqualTo(200);
        assertThat(refused.getStatusCode()).as(refused.getBody()).isEqualTo(409);
        assertThat(Api.problemType(refused)).isEqualTo("urn:twofa:problem:wrong-state");
        assertThat(app.events.namesFor(userId)).doesNotContain("replay_refused", "verify_failed");
    }

    @Test
    void appTurnedOffWhileSmsIsTurnedOffByItsCode_refusesSms_asAStateChange() {
        String phone = Sms.uniqueDanishMobile();
        Enrollment.Enrolled user = bothFactors(phone);
        requireTwoFactor();
        app.clock.advance(Duration.ofSeconds(31));
        assertThat(smsRequest("POST /2fa/sms/send", Map.of("purpose", "disable"))
                        .getStatusCode())
                .isEqualTo(202);
        String smsCode = Sms.lastCode(phone);

        // SMS off read the app on; before its transaction, the app goes off (SMS is still on then).
        AtomicReference<APIGatewayV2HTTPResponse> appOff = new AtomicReference<>();
        WireRace race = WireRace.beforeCommit(
                app,
                () -> appOff.set(app.disable()
                        .handleRequest(
                                Api.request(
                                        "POST /2fa/disable",
                                        userId,
                                        Api.json(Map.of(
                                                "code",
                                                IndependentTotp.code(user.secret(), user.enrollmentStep() + 1))),
                                        member),
                                null)));
        APIGatewayV2HTTPResponse refused = new SmsConfirmHandler(race.held().smsConfirm())
                .handleRequest(
                        Api.request(
                                "POST /2fa/sms/confirm",
                                userId,
                                Api.json(Map.of("purpose", "disable", "code", smsCode)),
                                member),
                        null);

        assertThat(appOff.get().getStatusCode()).as(appOff.get().getBody()).isEqualTo(200);
        assertThat(refused.getStatusCode()).as(refused.getBody()).isEqualTo(409);
        assertThat(Api.problemType(refused)).isEqualTo("urn:twofa:problem:wrong-state");
        assertThat(Enrollment.status(app, userId).get("sms"))
                .extracting("enabled")
                .isEqualTo(true);
    }

    @Test
    void appTurnedOffWhileSmsIsTurnedOffWithARecoveryCode_refusesSms_asAStateChange() {
        String phone = Sms.uniqueDanishMobile();
        Enrollment.Enrolled user = bothFactors(phone);
        requireTwoFactor();

        AtomicReference<APIGatewayV2HTTPResponse> appOff = new AtomicReference<>();
        WireRace race = WireRace.beforeCommit(
                app,
                () -> appOff.set(app.disable()
                        .handleRequest(
                                Api.request(
                                        "POST /2fa/disable",
                                        userId,
                                        Api.json(Map.of(
                                                "code",
                                                IndependentTotp.code(user.secret(), user.enrollmentStep() + 1))),
                                        member),
                                null)));
        APIGatewayV2HTTPResponse refused = new SmsConfirmHandler(race.held().smsConfirm())
                .handleRequest(
                        Api.request(
                                "POST /2fa/sms/confirm",
                                userId,
                                Api.json(Map.of(
                                        "purpose",
                                        "disable",
                                        "recoveryCode",
                                        user.recoveryCodes().get(1))),
                                member),
                        null);

        assertThat(appOff.get().getStatusCode()).as(appOff.get().getBody()).isEqualTo(200);
        assertThat(refused.getStatusCode()).as(refused.getBody()).isEqualTo(409);
        assertThat(Api.problemType(refused)).isEqualTo("urn:twofa:problem:wrong-state");
        assertThat(Enrollment.status(app, userId).get("sms"))
                .extracting("enabled")
                .isEqualTo(true);
    }

    @Test
    void smsTurnedOffWithARecoveryCode_isToldToTheUser() {
        String phone = Sms.uniqueDanishMobile();
        Enrollment.Enrolled user = bothFactors(phone);
        APIGatewayV2HTTPResponse off = smsRequest(
                "POST /2fa/sms/confirm",
                Map.of(
                        "purpose",
                        "disable",
                        "recoveryCode",
                        user.recoveryCodes().get(1)));
        assertThat(off.getStatusCode()).as(off.getBody()).isEqualTo(200);
        assertThat(app.events.namesFor(userId)).containsOnlyOnce("sms_disabled");
        assertThat(Emulators.sentEmailsTo(Api.emailOf(userId)))
                .filteredOn(e -> e.subject().equals("Text message (SMS) turned off for two-factor authentication"))
                .hasSize(1);
    }
}
