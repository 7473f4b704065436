package dev.twofa.it.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import dev.twofa.testing.ApiEvents;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The activity feed says what the user did (issue 15): a wrong code while setting up or confirming a
 * change is not a "failed sign-in", a sign-in with a recovery code is one line, and each line names
 * the browser and system from the stored user agent.
 */
class ActivityFeedIT {
    private static final String CHROME_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"
            + " (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private final TestApp app = new TestApp();
    private final String userId = "user-" + UUID.randomUUID();

    private String wrongCode(String secret) {
        return "000000".equals(IndependentTotp.codeAt(secret, app.clock.instant())) ? "111111" : "000000";
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> feed(String who) {
        APIGatewayV2HTTPResponse page =
                app.activity().handleRequest(Api.request("GET /2fa/activity?limit=50", who, null), null);
        assertThat(page.getStatusCode()).as(page.getBody()).isEqualTo(200);
        return (List<Map<String, Object>>) Api.body(page).get("events");
    }

    private List<Map<String, Object>> failures() {
        return feed(userId).stream()
                .filter(e -> "verify_failed".equals(e.get("event")))
                .toList();
    }

    @Test
    void aWrongFirstCodeWhileSettingUp_isSetup_notASignIn() {
        String token = Enrollment.startAndReadToken(app, userId);
        String secret =
                (String) Api.body(Enrollment.activate(app, userId, token)).get("secret");

        assertThat(Enrollment.confirm(app, userId, wrongCode(secret)).getStatusCode())
                .isEqualTo(400);

        assertThat(failures())
                .singleElement()
                .satisfies(e -> assertThat(e).containsEntry("during", "setup").containsEntry("method", "totp"));
    }

    @Test
    void aWrongSmsEnableCode_isSetup_andAWrongSignInCode_isSignIn() {
        String phone = Sms.uniqueDanishMobile();
        assertThat(Sms.send(app, userId, "enable", phone).getStatusCode()).isEqualTo(202);
        String right = Sms.lastCode(phone);
        assertThat(Sms.confirm(app, userId, "enable", right.equals("000000") ? "111111" : "000000")
                        .getStatusCode())
                .isEqualTo(400);
        assertThat(Sms.confirm(app, userId, "enable", right).getStatusCode()).isEqualTo(200);
        assertThat(Sms.send(app, userId, "login", null).getStatusCode()).isEqualTo(202);
        String login = Sms.lastCode(phone);
        assertThat(Sms.confirm(app, userId, "login", login.equals("000000") ? "111111" : "000000")
                        .getStatusCode())
                .isEqualTo(400);

        assertThat(failures()).extracting(e -> e.get("during")).containsExactlyInAnyOrder("sign-in", "setup");
    }

    @Test
    void aWrongProofForAChange_isChange_andARecoveryCodeSignIn_isOneLine() {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        app.clock.advance(Duration.ofSeconds(30));
        APIGatewayV2HTTPResponse regenerate = app.regenerateRecoveryCodes()
                .handleRequest(
                        Api.request(
                                "POST /2fa/recovery-codes/regenerate",
                                userId,
                                Api.json(Map.of("code", wrongCode(user.secret())))),
                        null);
        assertThat(regenerate.getStatusCode()).isEqualTo(400);
        app.clock.advance(Duration.ofSeconds(1));
        assertThat(Enrollment.verify(
                                app,
                                userId,
                                "recoveryCode",
                                user.recoveryCodes().get(0))
                        .getStatusCode())
                .isEqualTo(200);
        app.clock.advance(Duration.ofSeconds(1));
        // A recovery code as the proof of a change is listed: it is not a sign-in line.
        assertThat(Enrollment.disable(
                                app,
                                userId,
                                "recoveryCode",
                                user.recoveryCodes().get(1))
                        .getStatusCode())
                .isEqualTo(200);

        List<Map<String, Object>> feed = feed(userId);
        assertThat(failures()).singleElement().satisfies(e -> assertThat(e).containsEntry("during", "change"));
        assertThat(feed)
                .extracting(e -> e.get("event") + "/" + e.get("method") + "/" + e.getOrDefault("during", "-"))
                .containsExactlyInAnyOrder(
                        "totp_disabled/totp/-",
                        "recovery_code_used/recovery/change",
                        "verify_succeeded/recovery/-",
                        "verify_failed/totp/change",
                        "totp_enabled/totp/-",
                        "totp_activated/totp/-",
                        "totp_enable_started/totp/-");
        // The audit trail itself keeps the sign-in's recovery_code_used (OWASP: every use is recorded).
        assertThat(app.events.namesFor(userId).stream().filter("recovery_code_used"::equals))
                .hasSize(2);
    }

    @Test
    void eachLine_namesTheBrowserAndSystem_fromTheStoredUserAgent() {
        APIGatewayV2HTTPResponse started = app.startEnable()
                .handleRequest(
                        ApiEvents.route("POST /2fa/totp/enable")
                                .claims(Map.of("sub", userId, "email", Api.emailOf(userId), "email_verified", "true"))
                                .client("203.0.113.9", CHROME_ON_WINDOWS)
                                .build(),
                        null);
        assertThat(started.getStatusCode()).as(started.getBody()).isEqualTo(202);

        assertThat(feed(userId)).singleElement().satisfies(e -> assertThat(e)
                .containsEntry("event", "totp_enable_started")
                .containsEntry("userAgent", CHROME_ON_WINDOWS)
                .containsEntry("browser", "Chrome")
                .containsEntry("os", "Windows"));
        // A client the parser does not know gets no guess.
        Enrollment.activate(app, userId, Enrollment.latestToken(userId));
        // (Found by its event: both lines may carry the same second, and the feed's order within a
        // second is not the point here.)
        assertThat(feed(userId))
                .filteredOn(e -> "totp_activated".equals(e.get("event")))
                .singleElement()
                .satisfies(e -> assertThat(e)
                        .containsEntry("userAgent", "integration-test")
                        .doesNotContainKeys("browser", "os"));
    }
}
