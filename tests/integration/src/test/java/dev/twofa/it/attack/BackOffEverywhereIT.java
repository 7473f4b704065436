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
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The per-user back-off and lock hold on every route that checks or sends a code, not only on
 * sign-in: while the account must wait, even the right code is answered 429 before it is checked,
 * and no SMS leaves. Each test brings the account into the wait through another route (failures are
 * shared by every method), so the route under test has not used up its own code's checks: only the
 * wait itself can refuse it.
 */
class BackOffEverywhereIT {
    private static final String LOCKED = "urn:twofa:problem:factor-locked";
    private static final String LOCKED_SUBJECT = "Two-factor sign-in to your account is locked";

    private final TestApp app = new TestApp();
    private final String userId = "user-" + UUID.randomUUID();

    private String wrongCode(String secret) {
        long step = IndependentTotp.step(app.clock.instant());
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            boolean valid = false;
            for (long s = step - 1; s <= step + 1; s++) {
                valid |= IndependentTotp.code(secret, s).equals(code);
            }
            if (!valid) {
                return code;
            }
        }
    }

    /** Five wrong sign-in codes from the app: the free failures are used up, the next attempt waits 1 s. */
    private void fiveWrongSignIns(Enrollment.Enrolled user) {
        for (int i = 1; i <= 5; i++) {
            APIGatewayV2HTTPResponse wrong = Enrollment.verify(app, userId, "code", wrongCode(user.secret()));
            assertThat(wrong.getStatusCode()).as("failure " + i).isEqualTo(400);
        }
    }

    /**
     * Ten failures, each after the previous wait: the account now waits 32 s, longer than the 30 s
     * between two SMS to one user, so a send refused now is refused by the wait alone.
     */
    private void tenWrongSignIns(Enrollment.Enrolled user) {
        fiveWrongSignIns(user);
        for (int wait = 1; wait <= 16; wait *= 2) {
            app.clock.advance(Duration.ofSeconds(wait));
            APIGatewayV2HTTPResponse wrong = Enrollment.verify(app, userId, "code", wrongCode(user.secret()));
            assertThat(wrong.getStatusCode())
                    .as("after a wait of " + wait + " s")
                    .isEqualTo(400);
        }
    }

    /** The state parallel guesses elsewhere leave behind: {@code failures} counted, the last one now. */
    private void failuresCountedElsewhere(int failures) {
        app.dynamo.updateItem(u -> u.tableName(app.table)
                .key(Map.of("pk", AttributeValue.fromS("USER#" + userId), "sk", AttributeValue.fromS("ACCOUNT")))
                .updateExpression("SET failures = :n, lastFailureAt = :at")
                .expressionAttributeValues(Map.of(
                        ":n", AttributeValue.fromN(Integer.toString(failures)),
                        ":at",
                                AttributeValue.fromN(
                                        Long.toString(app.clock.instant().toEpochMilli())))));
    }

    private static void assertWaits(APIGatewayV2HTTPResponse response, String retryAfter) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(429);
        assertThat(response.getHeaders()).containsEntry("Retry-After", retryAfter);
    }

    @SuppressWarnings("unchecked")
    private boolean enabled(String factor) {
        return (Boolean) ((Map<String, Object>) Enrollment.status(app, userId).get(factor)).get("enabled");
    }

    /** An SMS-and-app account: the app enrolled, SMS added with a recovery code as step-up proof. */
    private Enrollment.Enrolled withAppAndSms(String phone) {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        Sms.enable(
                app, userId, phone, Map.of("recoveryCode", user.recoveryCodes().get(0)));
        return user;
    }

    @Test
    void confirmingTheApp_insideTheBackOff_isRefused_evenWithTheRightCode() {
        String token = Enrollment.startAndReadToken(app, userId);
        String secret =
                (String) Api.body(Enrollment.activate(app, userId, token)).get("secret");
        for (int i = 1; i <= 5; i++) {
            assertThat(Enrollment.confirm(app, userId, wrongCode(secret)).getStatusCode())
                    .as("failure " + i)
                    .isEqualTo(400);
        }
        assertWaits(Enrollment.confirm(app, userId, IndependentTotp.codeAt(secret, app.clock.instant())), "1");
        assertThat(enabled("totp")).isFalse();

        app.clock.advance(Duration.ofSeconds(1));
        APIGatewayV2HTTPResponse confirmed =
                Enrollment.confirm(app, userId, IndependentTotp.codeAt(secret, app.clock.instant()));
        assertThat(confirmed.getStatusCode()).as(confirmed.getBody()).isEqualTo(200);
    }

    @Test
    void confirmingTheApp_whileLocked_isRefused_evenWithTheRightCode_andTimeDoesNotHelp() {
        String token = Enrollment.startAndReadToken(app, userId);
        String secret =
                (String) Api.body(Enrollment.activate(app, userId, token)).get("secret");
        failuresCountedElsewhere(100);
        app.clock.advance(Duration.ofMinutes(5));
        APIGatewayV2HTTPResponse locked =
                Enrollment.confirm(app, userId, IndependentTotp.codeAt(secret, app.clock.instant()));
        assertThat(locked.getStatusCode()).as(locked.getBody()).isEqualTo(429);
        assertThat(Api.problemType(locked)).isEqualTo(LOCKED);
        assertThat(enabled("totp")).isFalse();
    }

    @Test
    void anSmsSignInCode_insideTheBackOff_isRefused_evenWhenRight() {
        String phone = Sms.uniqueDanishMobile();
        Enrollment.Enrolled user = withAppAndSms(phone);
        app.clock.advance(Duration.ofSeconds(31));
        assertThat(Sms.send(app, userId, "login", null).getStatusCode()).isEqualTo(202);
        String code = Sms.lastCode(phone);
        fiveWrongSignIns(user);

        assertWaits(Sms.confirm(app, userId, "login", code), "1");
        assertThat(app.events.namesFor(userId)).doesNotContain("verify_succeeded");
        app.clock.advance(Duration.ofSeconds(1));
        APIGatewayV2HTTPResponse signedIn = Sms.confirm(app, userId, "login", code);
        assertThat(signedIn.getStatusCode()).as(signedIn.getBody()).isEqualTo(200);
    }

    @Test
    void anSmsEnableCode_insideTheBackOff_isRefused_evenWhenRight() {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        String phone = Sms.uniqueDanishMobile();
        APIGatewayV2HTTPResponse sent = app.smsSend()
                .handleRequest(
                        Api.request(
                                "POST /2fa/sms/send",
                                userId,
                                Api.json(Map.of(
                                        "purpose",
                                        "enable",
                                        "phoneNumber",
                                        phone,
                                        "recoveryCode",
                                        user.recoveryCodes().get(0)))),
                        null);
        assertThat(sent.getStatusCode()).as(sent.getBody()).isEqualTo(202);
        String code = Sms.lastCode(phone);
        fiveWrongSignIns(user);

        assertWaits(Sms.confirm(app, userId, "enable", code), "1");
        assertThat(enabled("sms")).isFalse();
        app.clock.advance(Duration.ofSeconds(1));
        assertThat(Sms.confirm(app, userId, "enable", code).getStatusCode()).isEqualTo(200);
        assertThat(enabled("sms")).isTrue();
    }

    @Test
    void anSmsDisableCode_insideTheBackOff_isRefused_evenWhenRight() {
        String phone = Sms.uniqueDanishMobile();
        Enrollment.Enrolled user = withAppAndSms(phone);
        app.clock.advance(Duration.ofSeconds(31));
        assertThat(Sms.send(app, userId, "disable", null).getStatusCode()).isEqualTo(202);
        String code = Sms.lastCode(phone);
        fiveWrongSignIns(user);

        assertWaits(Sms.confirm(app, userId, "disable", code), "1");
        assertThat(enabled("sms")).isTrue();
        app.clock.advance(Duration.ofSeconds(1));
        assertThat(Sms.confirm(app, userId, "disable", code).getStatusCode()).isEqualTo(200);
        assertThat(enabled("sms")).isFalse();
    }

    @Test
    void noSignInSms_leavesInsideTheBackOff() {
        String phone = Sms.uniqueDanishMobile();
        Enrollment.Enrolled user = withAppAndSms(phone);
        int texts = Sms.count(phone);
        tenWrongSignIns(user); // 31 s after the enable SMS: the per-user send interval is over

        assertWaits(Sms.send(app, userId, "login", null), "32");
        assertWaits(Sms.send(app, userId, "disable", null), "32");
        assertThat(Sms.count(phone)).isEqualTo(texts);
        assertThat(app.events.namesFor(userId)).containsOnlyOnce("sms_sent");

        app.clock.advance(Duration.ofSeconds(32));
        assertThat(Sms.send(app, userId, "login", null).getStatusCode()).isEqualTo(202);
        assertThat(Sms.count(phone)).isEqualTo(texts + 1);
    }

    @Test
    void theHundredthFailure_locks_isAudited_andTellsTheUser_once() {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        failuresCountedElsewhere(99);
        app.clock.advance(Duration.ofMinutes(15));
        assertThat(Enrollment.verify(app, userId, "code", wrongCode(user.secret()))
                        .getStatusCode())
                .isEqualTo(400);
        assertThat(app.events.namesFor(userId)).containsOnlyOnce("factor_locked");
        assertThat(Emulators.sentEmailsTo(Api.emailOf(userId)))
                .filteredOn(e -> e.subject().equals(LOCKED_SUBJECT))
                .hasSize(1)
                .allSatisfy(e -> assertThat(e.body()).contains("until our", "support team unlocks it"));

        app.clock.advance(Duration.ofDays(1));
        APIGatewayV2HTTPResponse locked =
                Enrollment.verify(app, userId, "code", IndependentTotp.codeAt(user.secret(), app.clock.instant()));
        assertThat(locked.getStatusCode()).isEqualTo(429);
        assertThat(Api.problemType(locked)).isEqualTo(LOCKED);
        assertThat(app.events.namesFor(userId)).containsOnlyOnce("factor_locked");
    }
}
