package dev.twofa.it.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Where the notices go, and that an attacker can neither steer them nor flood an inbox with them: an
 * `email` claim counts only with `email_verified: true`; notices reach the address on file and the
 * current verified one; repeatable notices (waits, locks, replays) are limited to one per kind per hour.
 */
class NoticesIT {
    private final TestApp app = new TestApp();
    private final String userId = "user-" + UUID.randomUUID();

    private long emailsTo(String address, String subjectStart) {
        return Emulators.sentEmailsTo(address).stream()
                .filter(e -> e.subject().startsWith(subjectStart))
                .count();
    }

    private APIGatewayV2HTTPResponse startEnable(String body, Map<String, String> claims) {
        return app.startEnable().handleRequest(Api.request("POST /2fa/totp/enable", userId, body, claims), null);
    }

    @Test
    void anUnverifiedEmailClaim_neverReceivesTheActivationLink() {
        String attackers = "mallory-" + UUID.randomUUID() + "@evil.test";
        APIGatewayV2HTTPResponse refused = startEnable(null, Map.of("email", attackers, "email_verified", "false"));
        assertThat(refused.getStatusCode()).as(refused.getBody()).isEqualTo(409);
        assertThat(Api.problemType(refused)).isEqualTo("urn:twofa:problem:email-not-verified");
        // No claim at all: the same.
        Map<String, String> noVerification = new HashMap<>();
        noVerification.put("email", attackers);
        noVerification.put("email_verified", "");
        assertThat(startEnable(null, noVerification).getStatusCode()).isEqualTo(409);
        assertThat(Emulators.sentEmailsTo(attackers)).isEmpty();
    }

    @Test
    void withAnUnverifiedClaim_theLinkGoesToTheAddressOnFile() {
        String phone = Sms.uniqueDanishMobile();
        Sms.enable(app, userId, phone); // stores the verified address on file
        app.clock.advance(Duration.ofSeconds(31));
        assertThat(Sms.send(app, userId, "login", null).getStatusCode()).isEqualTo(202);
        String assertion = (String)
                Api.body(Sms.confirm(app, userId, "login", Sms.lastCode(phone))).get("assertion");

        String attackers = "mallory-" + UUID.randomUUID() + "@evil.test";
        APIGatewayV2HTTPResponse started = startEnable(
                Api.json(Map.of("assertion", assertion)), Map.of("email", attackers, "email_verified", "false"));
        assertThat(started.getStatusCode()).as(started.getBody()).isEqualTo(202);
        assertThat(Emulators.sentEmailsTo(attackers)).isEmpty();
        assertThat(emailsTo(Api.emailOf(userId), "Activate")).isEqualTo(1);
    }

    @Test
    void factorNotices_reachTheAddressOnFile_andTheCurrentVerifiedOne() {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        String onFile = Api.emailOf(userId);
        // The account's address changed at the identity provider (perhaps by the attacker).
        String current = "new-" + UUID.randomUUID() + "@users.twofa.test";
        APIGatewayV2HTTPResponse regenerated = app.regenerateRecoveryCodes()
                .handleRequest(
                        Api.request(
                                "POST /2fa/recovery-codes/regenerate",
                                userId,
                                Api.json(
                                        Map.of("code", IndependentTotp.code(user.secret(), user.enrollmentStep() + 1))),
                                Map.of("email", current, "email_verified", "true")),
                        null);
        assertThat(regenerated.getStatusCode()).as(regenerated.getBody()).isEqualTo(200);
        assertThat(emailsTo(onFile, "Your recovery codes were replaced")).isEqualTo(1);
        assertThat(emailsTo(current, "Your recovery codes were replaced")).isEqualTo(1);
    }

    @Test
    void aReplayedCode_isToldToTheUser_oncePerHour() {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        String code = IndependentTotp.code(user.secret(), user.enrollmentStep() + 1);
        assertThat(Enrollment.verify(app, userId, "code", code).getStatusCode()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            assertThat(Enrollment.verify(app, userId, "code", code).getStatusCode())
                    .isEqualTo(400);
        }
        assertThat(emailsTo(Api.emailOf(userId), "A used sign-in code was tried again"))
                .isEqualTo(1);

        app.clock.advance(Duration.ofMinutes(61));
        String later = IndependentTotp.codeAt(user.secret(), app.clock.instant());
        assertThat(Enrollment.verify(app, userId, "code", later).getStatusCode())
                .isEqualTo(200);
        assertThat(Enrollment.verify(app, userId, "code", later).getStatusCode())
                .isEqualTo(400);
        assertThat(emailsTo(Api.emailOf(userId), "A used sign-in code was tried again"))
                .isEqualTo(2);
    }

    @Test
    void theStartOfTheWait_isToldToTheUser_once() {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        String right = IndependentTotp.codeAt(user.secret(), app.clock.instant());
        String wrong = right.equals("000000") ? "111111" : "000000";
        for (int i = 0; i < 5; i++) {
            Enrollment.verify(app, userId, "code", wrong);
        }
        app.clock.advance(Duration.ofSeconds(1));
        Enrollment.verify(app, userId, "code", wrong);
        assertThat(emailsTo(Api.emailOf(userId), "Several wrong sign-in codes")).isEqualTo(1);
    }

    @Test
    void activationEmails_areLimitedPerUser() {
        assertThat(startEnable(null, Map.of()).getStatusCode()).isEqualTo(202);
        APIGatewayV2HTTPResponse tooSoon = startEnable(null, Map.of());
        assertThat(tooSoon.getStatusCode()).isEqualTo(429);
        assertThat(tooSoon.getHeaders()).containsKey("Retry-After");
        for (int i = 0; i < 4; i++) {
            app.clock.advance(Duration.ofSeconds(31));
            assertThat(startEnable(null, Map.of()).getStatusCode()).isEqualTo(202);
        }
        app.clock.advance(Duration.ofSeconds(31));
        assertThat(startEnable(null, Map.of()).getStatusCode())
                .as("five an hour")
                .isEqualTo(429);
        assertThat(emailsTo(Api.emailOf(userId), "Activate")).isEqualTo(5);
    }
}
