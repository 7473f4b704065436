package dev.twofa.it.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.functions.smsconfirm.SmsConfirmHandler;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import dev.twofa.it.support.WireRace;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The events and notices an attacker would like to go unseen: a code used twice (told to the user,
 * audited), notices held back by the hourly limit (still audited), SMS turned on or off (told and
 * audited with the masked number only), and an SMS the network refused (audited, its send kept spent).
 */
class SecurityEventsIT {
    private static final String REPLAY_SUBJECT = "A used sign-in code was tried again";

    private final TestApp app = new TestApp();
    private final String userId = "user-" + UUID.randomUUID();

    private List<SecurityEvent> events(String type) {
        return app.events.all().stream()
                .filter(e -> e.userId().equals(userId) && e.type().equals(type))
                .toList();
    }

    private long emails(String subject) {
        return Emulators.sentEmailsTo(Api.emailOf(userId)).stream()
                .filter(e -> e.subject().equals(subject))
                .count();
    }

    @Test
    void anSmsCodeUsedWhileThisRequestHeldIt_isAReplay_toldToTheUser_andAudited() {
        String phone = Sms.uniqueDanishMobile();
        Sms.enable(app, userId, phone);
        app.clock.advance(Duration.ofSeconds(31));
        assertThat(Sms.send(app, userId, "login", null).getStatusCode()).isEqualTo(202);
        String code = Sms.lastCode(phone);

        // The intercepted code is used by the attacker after this request checked it and before
        // its transaction spends it: the transaction loses, and the loss is a replay.
        AtomicReference<APIGatewayV2HTTPResponse> first = new AtomicReference<>();
        WireRace race = WireRace.beforeCommit(app, () -> first.set(Sms.confirm(app, userId, "login", code)));
        SmsConfirmHandler held = new SmsConfirmHandler(race.held().smsConfirm());

        APIGatewayV2HTTPResponse replayed = held.handleRequest(
                Api.request("POST /2fa/sms/confirm", userId, Api.json(Map.of("purpose", "login", "code", code))), null);

        assertThat(first.get().getStatusCode()).as(first.get().getBody()).isEqualTo(200);
        assertThat(replayed.getStatusCode()).as(replayed.getBody()).isEqualTo(400);
        assertThat(Api.problemType(replayed)).isEqualTo("urn:twofa:problem:invalid-code");
        assertThat(events("replay_refused")).hasSize(1).allSatisfy(e -> assertThat(e.method())
                .isEqualTo("sms"));
        assertThat(events("verify_failed"))
                .extracting(e -> e.details().get("reason"))
                .containsExactly("SMS code already used");
        assertThat(emails(REPLAY_SUBJECT)).isEqualTo(1);
        assertThat(events("verify_succeeded")).hasSize(1);
    }

    @Test
    void aCodeReplacedByANewSend_whileARequestHeldIt_doesNotSignIn_andTheNewCodeDoes() {
        String phone = Sms.uniqueDanishMobile();
        Sms.enable(app, userId, phone);
        app.clock.advance(Duration.ofSeconds(31));
        assertThat(Sms.send(app, userId, "login", null).getStatusCode()).isEqualTo(202);
        String old = Sms.lastCode(phone);

        // After this request checked the old code and before its transaction, a new code is sent:
        // only the newest challenge may be spent, so the old code's transaction must lose.
        AtomicReference<APIGatewayV2HTTPResponse> resent = new AtomicReference<>();
        WireRace race = WireRace.beforeCommit(app, () -> {
            app.clock.advance(Duration.ofSeconds(31));
            resent.set(Sms.send(app, userId, "login", null));
        });
        SmsConfirmHandler held = new SmsConfirmHandler(race.held().smsConfirm());
        APIGatewayV2HTTPResponse stale = held.handleRequest(
                Api.request("POST /2fa/sms/confirm", userId, Api.json(Map.of("purpose", "login", "code", old))), null);

        assertThat(resent.get().getStatusCode()).isEqualTo(202);
        assertThat(stale.getStatusCode()).as(stale.getBody()).isEqualTo(400);
        assertThat(events("verify_succeeded")).isEmpty();
        String current = Sms.lastCode(phone);
        APIGatewayV2HTTPResponse signedIn = Sms.confirm(app, userId, "login", current);
        assertThat(signedIn.getStatusCode()).as(signedIn.getBody()).isEqualTo(200);
    }

    @Test
    void anSmsEnableCodeUsedWhileThisRequestHeldIt_turnsSmsOnOnce() {
        String phone = Sms.uniqueDanishMobile();
        assertThat(Sms.send(app, userId, "enable", phone).getStatusCode()).isEqualTo(202);
        String code = Sms.lastCode(phone);
        AtomicReference<APIGatewayV2HTTPResponse> first = new AtomicReference<>();
        WireRace race = WireRace.beforeCommit(app, () -> first.set(Sms.confirm(app, userId, "enable", code)));
        SmsConfirmHandler held = new SmsConfirmHandler(race.held().smsConfirm());
        APIGatewayV2HTTPResponse second = held.handleRequest(
                Api.request("POST /2fa/sms/confirm", userId, Api.json(Map.of("purpose", "enable", "code", code))),
                null);

        assertThat(first.get().getStatusCode()).as(first.get().getBody()).isEqualTo(200);
        assertThat(second.getStatusCode()).as(second.getBody()).isEqualTo(400);
        assertThat(events("sms_enabled")).hasSize(1);
        assertThat(emails("Text message (SMS) turned on for two-factor authentication"))
                .isEqualTo(1);
    }

    @Test
    void changesCommittedWithTheirAuditItems_reachTheSecurityLogToo() {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        assertThat(events("totp_enable_started")).hasSize(1);
        // SMS added with a recovery code: the code's use is audited in the same transaction.
        Sms.enable(
                app,
                userId,
                Sms.uniqueDanishMobile(),
                Map.of("recoveryCode", user.recoveryCodes().get(0)));
        assertThat(events("recovery_code_used")).hasSize(1);
        assertThat(app.auditTrail.recent(userId, 50, java.util.Optional.empty()).events())
                .extracting(SecurityEvent::type)
                .contains("recovery_code_used", "totp_enable_started");
        assertThat(Enrollment.disable(
                                app,
                                userId,
                                "recoveryCode",
                                user.recoveryCodes().get(1))
                        .getStatusCode())
                .isEqualTo(200);
        assertThat(events("totp_disabled")).hasSize(1);
    }

    @Test
    void aNoticeHeldBackByTheHourlyLimit_isStillAudited() {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        String code = IndependentTotp.code(user.secret(), user.enrollmentStep() + 1);
        assertThat(Enrollment.verify(app, userId, "code", code).getStatusCode()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            assertThat(Enrollment.verify(app, userId, "code", code).getStatusCode())
                    .isEqualTo(400);
        }
        assertThat(emails(REPLAY_SUBJECT)).isEqualTo(1);
        assertThat(events("replay_refused")).hasSize(3);
        assertThat(events("notification_limited")).hasSize(2).allSatisfy(e -> assertThat(e.details())
                .containsEntry("kind", "replayed-code"));
    }

    @Test
    void smsTurnedOnAndOff_isToldToTheUser_andAudited_withTheMaskedNumberOnly() {
        String phone = Sms.uniqueDanishMobile();
        assertThat(Sms.send(app, userId, "enable", phone).getStatusCode()).isEqualTo(202);
        APIGatewayV2HTTPResponse on = Sms.confirm(app, userId, "enable", Sms.lastCode(phone));
        assertThat(on.getStatusCode()).as(on.getBody()).isEqualTo(200);
        String masked = (String) ((Map<?, ?>) Api.body(on).get("sms")).get("phoneNumber");
        assertThat(masked).isNotBlank().doesNotContain(phone.substring(3));

        assertThat(events("sms_enabled")).hasSize(1).allSatisfy(e -> assertThat(e.details())
                .containsEntry("to", masked));
        assertThat(Emulators.sentEmailsTo(Api.emailOf(userId)))
                .filteredOn(e -> e.subject().equals("Text message (SMS) turned on for two-factor authentication"))
                .hasSize(1)
                .allSatisfy(e -> assertThat(e.body()).contains(masked).doesNotContain(phone.substring(3)));

        app.clock.advance(Duration.ofSeconds(31));
        assertThat(Sms.send(app, userId, "disable", null).getStatusCode()).isEqualTo(202);
        APIGatewayV2HTTPResponse off = Sms.confirm(app, userId, "disable", Sms.lastCode(phone));
        assertThat(off.getStatusCode()).as(off.getBody()).isEqualTo(200);
        assertThat(events("sms_disabled")).hasSize(1);
        assertThat(Emulators.sentEmailsTo(Api.emailOf(userId)))
                .filteredOn(e -> e.subject().equals("Text message (SMS) turned off for two-factor authentication"))
                .hasSize(1)
                .allSatisfy(e -> assertThat(e.body()).contains(masked));
    }

    @Test
    void aNumberTheNetworkRefuses_isAudited_andItsSendStaysSpent() {
        String valid = Sms.uniqueDanishMobile();
        String optedOut = valid.substring(0, valid.length() - 2) + "99"; // moto: opted out of SMS
        APIGatewayV2HTTPResponse refused = Sms.send(app, userId, "enable", optedOut);
        assertThat(refused.getStatusCode()).as(refused.getBody()).isBetween(400, 499);
        assertThat(Emulators.sentSmsTo(optedOut)).isEmpty();
        assertThat(events("sms_send_failed")).hasSize(1).allSatisfy(e -> assertThat(e.details())
                .containsEntry("purpose", "enable")
                .containsKey("to")
                .doesNotContainValue(optedOut));
        assertThat(events("sms_sent")).isEmpty();

        // A refusal keeps the send taken: looping on a refused number cannot call SNS without limit.
        APIGatewayV2HTTPResponse again = Sms.send(app, userId, "enable", valid);
        assertThat(again.getStatusCode()).as(again.getBody()).isEqualTo(429);
        app.clock.advance(Duration.ofSeconds(31));
        assertThat(Sms.send(app, userId, "enable", valid).getStatusCode()).isEqualTo(202);
        assertThat(events("sms_sent")).hasSize(1);
    }
}
