package dev.twofa.it.sms;

import static dev.twofa.it.support.Enrollment.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Two-factor authentication by text message (SMS) through the handlers, on DynamoDB Local and moto (KMS, SES, SNS). */
class SmsFlowIT {
    private final TestApp app = new TestApp();
    private final String user = "user-" + UUID.randomUUID();

    @Test
    void enable_login_disable_reEnableWithANewNumber() {
        String first = Sms.uniqueDanishMobile();
        String spaced = first.substring(0, 3) + " " + first.substring(3, 5) + " " + first.substring(5, 7) + " "
                + first.substring(7, 9) + " " + first.substring(9);

        // Enable: the number in international format, with spaces as users type it.
        APIGatewayV2HTTPResponse sent = Sms.send(app, user, "enable", spaced);
        assertThat(sent.getStatusCode()).as(sent.getBody()).isEqualTo(202);
        String masked = "+45 •••• ••" + first.substring(first.length() - 2);
        assertThat(Api.body(sent)).isEqualTo(Map.of("sentTo", masked, "expiresInSeconds", 300));
        String text = Emulators.sentSmsTo(first).getLast().message();
        assertThat(text).contains("to turn on text message (SMS) codes", "never ask");

        APIGatewayV2HTTPResponse enabled = Sms.confirm(app, user, "enable", Sms.lastCode(first));
        assertThat(enabled.getStatusCode()).as(enabled.getBody()).isEqualTo(200);
        assertThat(Api.body(enabled)).isEqualTo(Map.of("sms", Map.of("enabled", true, "phoneNumber", masked)));
        assertThat(status(app, user)).containsEntry("sms", Map.of("enabled", true, "phoneNumber", masked));

        // Each sign-in sends a new code.
        app.clock.advance(java.time.Duration.ofSeconds(31));
        assertThat(Sms.send(app, user, "login", null).getStatusCode()).isEqualTo(202);
        APIGatewayV2HTTPResponse login = Sms.confirm(app, user, "login", Sms.lastCode(first));
        assertThat(Api.body(login))
                .containsEntry("verified", true)
                .containsEntry("method", "sms")
                .containsKey("assertion");

        // Disabling needs a code sent to the phone.
        app.clock.advance(java.time.Duration.ofSeconds(31));
        assertThat(Sms.send(app, user, "disable", null).getStatusCode()).isEqualTo(202);
        APIGatewayV2HTTPResponse disabled = Sms.confirm(app, user, "disable", Sms.lastCode(first));
        assertThat(Api.body(disabled)).isEqualTo(Map.of("sms", Map.of("enabled", false)));
        assertThat(status(app, user)).containsEntry("sms", Map.of("enabled", false));

        // Changing the number is disable, then enable again with the new one.
        String second = Sms.uniqueDanishMobile();
        app.clock.advance(java.time.Duration.ofSeconds(31));
        Sms.enable(app, user, second);
        assertThat(status(app, user))
                .containsEntry(
                        "sms",
                        Map.of("enabled", true, "phoneNumber", "+45 •••• ••" + second.substring(second.length() - 2)));

        // The number is stored only encrypted; the table never holds it in clear.
        String table = app.dynamo.scan(s -> s.tableName(app.table)).items().toString();
        assertThat(table).doesNotContain(first.substring(1)).doesNotContain(second.substring(1));

        List<String> subjects = Emulators.sentEmailsTo(Api.emailOf(user)).stream()
                .map(Emulators.SentEmail::subject)
                .toList();
        assertThat(subjects)
                .containsExactly(
                        "Text message (SMS) turned on for two-factor authentication",
                        "Text message (SMS) turned off for two-factor authentication",
                        "Text message (SMS) turned on for two-factor authentication");
        assertThat(app.events.all().toString()).doesNotContain(first).doesNotContain(second);
    }

    @Test
    void enableWhenOn_andLoginOrDisableWhenOff_are409() {
        APIGatewayV2HTTPResponse login = Sms.send(app, user, "login", null);
        assertThat(login.getStatusCode()).isEqualTo(409);
        assertThat(Sms.send(app, user, "disable", null).getStatusCode()).isEqualTo(409);
        assertThat(Sms.confirm(app, user, "login", "123456").getStatusCode()).isEqualTo(409);

        String phone = Sms.uniqueDanishMobile();
        Sms.enable(app, user, phone);
        app.clock.advance(java.time.Duration.ofMinutes(1));
        assertThat(Sms.send(app, user, "enable", Sms.uniqueDanishMobile()).getStatusCode())
                .isEqualTo(409);
        assertThat(Sms.confirm(app, user, "enable", "123456").getStatusCode()).isEqualTo(409);
    }

    @Test
    void badRequests_are400ProblemsNamingTheField() {
        assertThat(Api.body(Sms.send(app, user, "unlock", "+4520123456")))
                .containsEntry("type", "urn:twofa:problem:invalid-request")
                .containsEntry("field", "purpose");
        assertThat(Api.body(Sms.send(app, user, "enable", null))).containsEntry("field", "phoneNumber");
        assertThat(Sms.send(app, user, "login", "+4520123456").getStatusCode()).isEqualTo(400);
        assertThat(Api.body(Sms.confirm(app, user, "login", "12ab56"))).containsEntry("field", "code");
    }
}
