package dev.twofa.it.sms;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Race;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * NIST SP 800-63B §5.1.3 / ASVS 2.7: an SMS code expires within minutes, works once, for its own
 * purpose, and survives only a few guesses.
 */
class SmsCodeRulesIT {
    private final TestApp app = new TestApp();
    private final String user = "user-" + UUID.randomUUID();
    private final String phone = Sms.uniqueDanishMobile();

    private static void assertInvalidCode(APIGatewayV2HTTPResponse response) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(400);
        assertThat(Api.problemType(response)).isEqualTo("urn:twofa:problem:invalid-code");
    }

    private static String wrong(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }

    @Test
    void wrongCode_isRefused_andTheRightOneStillWorks() {
        Sms.send(app, user, "enable", phone);
        String code = Sms.lastCode(phone);
        assertInvalidCode(Sms.confirm(app, user, "enable", wrong(code)));
        assertThat(Sms.confirm(app, user, "enable", code).getStatusCode()).isEqualTo(200);
    }

    @Test
    void sixthCheck_isRefused_evenWithTheRightCode() {
        Sms.send(app, user, "enable", phone);
        String code = Sms.lastCode(phone);
        for (int i = 0; i < 4; i++) {
            assertInvalidCode(Sms.confirm(app, user, "enable", wrong(code)));
        }
        // The lockout's growing waits start at 5 failures; let them pass so only the check limit speaks.
        assertInvalidCode(Sms.confirm(app, user, "enable", wrong(code)));
        app.clock.advance(Duration.ofSeconds(2));
        assertInvalidCode(Sms.confirm(app, user, "enable", code));
    }

    @Test
    void expiredCode_isRefused() {
        Sms.send(app, user, "enable", phone);
        String code = Sms.lastCode(phone);
        app.clock.advance(Duration.ofMinutes(5));
        assertInvalidCode(Sms.confirm(app, user, "enable", code));
    }

    @Test
    void codeJustBeforeExpiry_works() {
        Sms.send(app, user, "enable", phone);
        String code = Sms.lastCode(phone);
        app.clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertThat(Sms.confirm(app, user, "enable", code).getStatusCode()).isEqualTo(200);
    }

    @Test
    void replayedCode_isRefused() {
        Sms.enable(app, user, phone);
        app.clock.advance(Duration.ofSeconds(31));
        Sms.send(app, user, "login", null);
        String code = Sms.lastCode(phone);
        assertThat(Sms.confirm(app, user, "login", code).getStatusCode()).isEqualTo(200);
        assertInvalidCode(Sms.confirm(app, user, "login", code));
    }

    @Test
    void aLoginCode_cannotDisable() {
        Sms.enable(app, user, phone);
        app.clock.advance(Duration.ofSeconds(31));
        Sms.send(app, user, "login", null);
        String loginCode = Sms.lastCode(phone);
        assertInvalidCode(Sms.confirm(app, user, "disable", loginCode));
        assertThat(Sms.confirm(app, user, "login", loginCode).getStatusCode()).isEqualTo(200);
    }

    @Test
    void aNewSend_replacesThePreviousCode() {
        Sms.send(app, user, "enable", phone);
        String first = Sms.lastCode(phone);
        app.clock.advance(Duration.ofSeconds(31));
        Sms.send(app, user, "enable", phone);
        String second = Sms.lastCode(phone);
        if (!first.equals(second)) {
            assertInvalidCode(Sms.confirm(app, user, "enable", first));
        }
        assertThat(Sms.confirm(app, user, "enable", second).getStatusCode()).isEqualTo(200);
    }

    @Test
    void codeIsStoredOnlyAsAKeyedHash() {
        Sms.send(app, user, "enable", phone);
        String code = Sms.lastCode(phone);
        String items = app.dynamo.scan(s -> s.tableName(app.table)).items().toString();
        assertThat(items).doesNotContain(code);
    }

    @Test
    void aDoubleSubmitOfOneCode_succeedsExactlyOnce() throws Exception {
        assertThat(parallelLoginConfirms(2, loginCodeSent())).containsExactlyInAnyOrder(200, 400);
    }

    private String loginCodeSent() {
        Sms.enable(app, user, phone);
        app.clock.advance(Duration.ofSeconds(31));
        Sms.send(app, user, "login", null);
        return Sms.lastCode(phone);
    }

    private List<Integer> parallelLoginConfirms(int parallel, String code) throws Exception {
        return Race.statuses(
                parallel,
                app::smsConfirm,
                () -> Api.request(
                        "POST /2fa/sms/confirm", user, Api.json(java.util.Map.of("purpose", "login", "code", code))));
    }

    /**
     * An intercepted code replayed in parallel: it works at most once. Every attempt counts, also
     * those that find the code's five checks used up, and a success passes only if no failure was
     * counted since its read; so a flood of copies may cost the owner this code too (a new one is a
     * send away), never give the attacker a second use.
     */
    @Test
    void twentyParallelConfirmsOfOneCode_succeedAtMostOnce() throws Exception {
        List<Integer> statuses = parallelLoginConfirms(20, loginCodeSent());
        assertThat(statuses).filteredOn(s -> s == 200).hasSizeLessThanOrEqualTo(1);
        assertThat(statuses).filteredOn(s -> s != 200).allMatch(s -> s == 400 || s == 429);
        assertThat(statuses).filteredOn(s -> s == 400).hasSizeLessThanOrEqualTo(5);
    }

    @Test
    void failedConfirms_countTowardTheSharedLockout() {
        Sms.enable(app, user, phone);
        app.clock.advance(Duration.ofSeconds(31));
        Sms.send(app, user, "login", null);
        String code = Sms.lastCode(phone);
        for (int i = 0; i < 5; i++) {
            assertInvalidCode(Sms.confirm(app, user, "login", wrong(code)));
        }
        APIGatewayV2HTTPResponse throttled = Sms.confirm(app, user, "login", code);
        assertThat(throttled.getStatusCode()).isEqualTo(429);
        assertThat(throttled.getHeaders()).containsEntry("Retry-After", "1");
        // One count per user, whatever the method: status reports the same wait.
        assertThat(dev.twofa.it.support.Enrollment.status(app, user))
                .containsEntry("signIn", java.util.Map.of("locked", false, "retryAfterSeconds", 1));
        // Sending another code waits too.
        assertThat(Sms.send(app, user, "login", null).getStatusCode()).isEqualTo(429);
    }
}
