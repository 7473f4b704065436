package dev.twofa.it.sms;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.aws.KmsKeyedHash;
import dev.twofa.aws.SesMailer;
import dev.twofa.aws.SnsSmsSender;
import dev.twofa.aws.store.DynamoTwoFactorStore;
import dev.twofa.functions.smsconfirm.SmsConfirmHandler;
import dev.twofa.functions.smssend.SmsSendHandler;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import dev.twofa.wiring.Wiring;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;

/** SMS pumping limits, number validation before SNS, and SNS failures leaving no valid code. */
class SmsSendLimitsIT {
    private final TestApp app = new TestApp();
    private final String user = "user-" + UUID.randomUUID();
    private final String phone = Sms.uniqueDanishMobile();

    private static void assert429(APIGatewayV2HTTPResponse response, String retryAfter) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(429);
        assertThat(response.getHeaders()).containsEntry("Retry-After", retryAfter);
    }

    @Test
    void secondSendWithin30Seconds_is429_andSnsIsNotCalled() {
        assertThat(Sms.send(app, user, "enable", phone).getStatusCode()).isEqualTo(202);
        app.clock.advance(Duration.ofSeconds(10));
        assert429(Sms.send(app, user, "enable", phone), "20");
        assertThat(Sms.count(phone)).isEqualTo(1);
        app.clock.advance(Duration.ofSeconds(20));
        assertThat(Sms.send(app, user, "enable", phone).getStatusCode()).isEqualTo(202);
    }

    @Test
    void sixthSendWithinTheHour_is429_untilTheOldestLeavesTheWindow() {
        for (int i = 0; i < 5; i++) {
            assertThat(Sms.send(app, user, "enable", phone).getStatusCode()).isEqualTo(202);
            app.clock.advance(Duration.ofMinutes(1));
        }
        // First send at t0; now t0 + 5 min: the window frees up at t0 + 60 min.
        assert429(Sms.send(app, user, "enable", phone), "3300");
        assertThat(Sms.count(phone)).isEqualTo(5);
        app.clock.advance(Duration.ofMinutes(55));
        assertThat(Sms.send(app, user, "enable", phone).getStatusCode()).isEqualTo(202);
    }

    @Test
    void aConfirmedEnableCode_freesTheFirstSignInCode_atOnce_butNotTheOneAfter() {
        // GIVEN SMS turned on with the code just texted (the same second)
        Sms.enable(app, user, phone);

        // WHEN the first sign-in code is asked for right away
        APIGatewayV2HTTPResponse signIn = Sms.send(app, user, "login", null);

        // THEN it goes out (issue 15: SMS right after enabling was refused), and the interval holds again after it
        assertThat(signIn.getStatusCode()).as(signIn.getBody()).isEqualTo(202);
        assertThat(Sms.count(phone)).isEqualTo(2);
        assert429(Sms.send(app, user, "login", null), "30");
        assertThat(Sms.count(phone)).isEqualTo(2);
    }

    @Test
    void aWrongEnableCode_freesNothing() {
        // GIVEN an enable code sent, and a wrong code offered for it
        assertThat(Sms.send(app, user, "enable", phone).getStatusCode()).isEqualTo(202);
        String wrong = Sms.lastCode(phone).equals("000000") ? "111111" : "000000";
        assertThat(Sms.confirm(app, user, "enable", wrong).getStatusCode()).isEqualTo(400);

        // WHEN a new code is asked for at once, THEN the 30 s interval still holds
        assert429(Sms.send(app, user, "enable", phone), "30");
        assertThat(Sms.count(phone)).isEqualTo(1);
    }

    @Test
    void attacker_confirmingEveryCode_stillGetsNoMoreThanTheHourlyFive() {
        // GIVEN four enable codes within the hour to four numbers, then SMS turned on with a fifth
        for (int i = 0; i < 4; i++) {
            assertThat(Sms.send(app, user, "enable", Sms.uniqueDanishMobile()).getStatusCode())
                    .isEqualTo(202);
            app.clock.advance(Duration.ofSeconds(31));
        }
        Sms.enable(app, user, phone);

        // WHEN a sign-in code is asked for at once (the interval is freed by the confirmed code)
        APIGatewayV2HTTPResponse sixth = Sms.send(app, user, "login", null);

        // THEN the hourly five still refuse it, until the oldest send leaves the window
        assert429(sixth, String.valueOf(3600 - 4 * 31));
        assertThat(Sms.count(phone)).isEqualTo(1);
    }

    @Test
    void theLimitPerNumber_holdsAcrossUsers() {
        for (int i = 0; i < 5; i++) {
            String someone = "pump-" + i + "-" + UUID.randomUUID();
            assertThat(Sms.send(app, someone, "enable", phone).getStatusCode()).isEqualTo(202);
            app.clock.advance(Duration.ofSeconds(31));
        }
        assertThat(Sms.send(app, "pump-6-" + UUID.randomUUID(), "enable", phone).getStatusCode())
                .isEqualTo(429);
        assertThat(Sms.count(phone)).isEqualTo(5);
    }

    @Test
    void theLimitPerUser_holdsAcrossNumbers() {
        for (int i = 0; i < 5; i++) {
            assertThat(Sms.send(app, user, "enable", Sms.uniqueDanishMobile()).getStatusCode())
                    .isEqualTo(202);
            app.clock.advance(Duration.ofSeconds(31));
        }
        String sixth = Sms.uniqueDanishMobile();
        assertThat(Sms.send(app, user, "enable", sixth).getStatusCode()).isEqualTo(429);
        assertThat(Sms.count(sixth)).isZero();
    }

    @Test
    void invalidNumbers_are400_beforeSnsIsCalled() {
        Map<String, Object> helpCenterExample = Api.body(Sms.send(app, user, "enable", "+45 12345678"));
        assertThat(helpCenterExample)
                .containsEntry("type", "urn:twofa:problem:invalid-phone-number")
                .containsEntry("field", "phoneNumber");
        Map<String, Object> noCountryCode = Api.body(Sms.send(app, user, "enable", "20 12 34 56"));
        assertThat((String) noCountryCode.get("detail")).contains("+").contains("country code");
        Map<String, Object> notAllowed = Api.body(Sms.send(app, user, "enable", "+33 6 12 34 56 78"));
        assertThat(notAllowed).containsEntry("type", "urn:twofa:problem:invalid-phone-number");
        assertThat(Emulators.sentSmsTo("+4512345678")).isEmpty();
        assertThat(Emulators.sentSmsTo("+33612345678")).isEmpty();
    }

    @Test
    void optedOutNumber_is400_andLeavesNoValidCode() {
        // moto reports numbers ending in 99 as opted out (CheckIfPhoneNumberIsOptedOut).
        String optedOut = phone.substring(0, phone.length() - 2) + "99";
        APIGatewayV2HTTPResponse response = Sms.send(app, user, "enable", optedOut);
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(response)).isEqualTo("urn:twofa:problem:sms-opted-out");
        assertThat(Sms.count(optedOut)).isZero();
        assertNoChallengeLeft();
    }

    @Test
    void snsDown_is503_andLeavesNoValidCode() {
        Wiring broken = withSnsDown();
        APIGatewayV2HTTPResponse response = sendEnable(broken);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(503);
        assertThat(response.getHeaders()).containsKey("Retry-After");
        assertNoChallengeLeft();
        // Whatever code an attacker tries, none is valid.
        APIGatewayV2HTTPResponse guess = new SmsConfirmHandler(broken.smsConfirm())
                .handleRequest(
                        Api.request(
                                "POST /2fa/sms/confirm", user, Api.json(Map.of("purpose", "enable", "code", "123456"))),
                        null);
        assertThat(guess.getStatusCode()).isEqualTo(400);
    }

    @Test
    void snsDown_spendsNoSend_soTheUserMayRetryAtOnce() {
        // GIVEN a send that fails because SNS is down (503)
        Wiring broken = withSnsDown();
        for (int i = 0; i < 6; i++) {
            APIGatewayV2HTTPResponse failed = sendEnable(broken);
            assertThat(failed.getStatusCode()).as(failed.getBody()).isEqualTo(503);
        }

        // WHEN the user retries at once, SNS back (six failures: more than the hourly five, within 30 s)
        APIGatewayV2HTTPResponse retry = Sms.send(app, user, "enable", phone);

        // THEN the send goes out: the failures spent neither the 30-second spacing nor the hourly limit
        assertThat(retry.getStatusCode()).as(retry.getBody()).isEqualTo(202);
        assertThat(Sms.count(phone)).isEqualTo(1);
        var budget = app.dynamo.scan(s -> s.tableName(app.table)).items().stream()
                .filter(i -> i.get("pk").s().startsWith("SMSBUDGET#"))
                .mapToInt(i -> Integer.parseInt(
                        i.get("sends") == null ? "0" : i.get("sends").n()))
                .sum();
        assertThat(budget)
                .as("sends counted in the country and account budgets")
                .isEqualTo(2);
    }

    /** This test's user asks {@code wiring} to text a code enabling SMS on this test's number. */
    private APIGatewayV2HTTPResponse sendEnable(Wiring wiring) {
        return new SmsSendHandler(wiring.smsSend())
                .handleRequest(
                        Api.request(
                                "POST /2fa/sms/send",
                                user,
                                Api.json(Map.of("purpose", "enable", "phoneNumber", phone))),
                        null);
    }

    /** The app's wiring with SNS at an address where nothing listens: every send fails with 503. */
    private Wiring withSnsDown() {
        SnsClient deadSns = Emulators.at(java.net.URI.create("http://127.0.0.1:" + freePort()), SnsClient.builder())
                .build();
        return app.withAdapters(
                new DynamoTwoFactorStore(app.dynamo, app.table, app.auditTrail),
                app.cipher(),
                new SesMailer(app.ses, TestApp.SENDER),
                new KmsKeyedHash(app.kms, app.macKeyId),
                new SnsSmsSender(deadSns, Optional.empty()));
    }

    private void assertNoChallengeLeft() {
        var items = app.dynamo.scan(s -> s.tableName(app.table)).items();
        assertThat(items).noneMatch(i -> i.get("sk").s().equals("SMS#CHALLENGE"));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
