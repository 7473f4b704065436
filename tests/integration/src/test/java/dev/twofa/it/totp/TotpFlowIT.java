package dev.twofa.it.totp;

import static dev.twofa.it.support.Enrollment.disable;
import static dev.twofa.it.support.Enrollment.status;
import static dev.twofa.it.support.Enrollment.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.TestApp;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/** The authenticator-app flow end to end through the handlers, on DynamoDB Local and moto (KMS, SES). */
class TotpFlowIT {
    private final TestApp app = new TestApp();
    private final String user = "user-" + UUID.randomUUID();

    @Test
    @SuppressWarnings("unchecked")
    void enable_activate_confirm_verify_recover_disable() {
        // GIVEN a user who clicks Enable 2FA
        String token = Enrollment.startAndReadToken(app, user);
        assertThat(status(app, user)).containsEntry("totp", Map.of("enabled", false, "pending", "awaiting_activation"));

        // WHEN the activation link is opened
        APIGatewayV2HTTPResponse activated = Enrollment.activate(app, user, token);
        assertThat(activated.getStatusCode()).isEqualTo(200);
        Map<String, Object> shown = Api.body(activated);
        String secret = (String) shown.get("secret");
        assertThat(secret).matches("[A-Z2-7]{32}");
        assertThat((String) shown.get("otpauthUri"))
                .startsWith("otpauth://totp/TwoFA%20Test:" + user + "%40users.twofa.test?secret=" + secret)
                .contains("&issuer=TwoFA%20Test", "algorithm=SHA1", "digits=6", "period=30");
        assertThat((String) shown.get("qrCodePng")).startsWith("data:image/png;base64,");
        assertThat(activated.getHeaders()).containsEntry("Cache-Control", "no-store");

        // AND the first code is confirmed
        long step = IndependentTotp.step(app.clock.instant());
        APIGatewayV2HTTPResponse confirmed = Enrollment.confirm(app, user, IndependentTotp.code(secret, step));
        assertThat(confirmed.getStatusCode()).as(confirmed.getBody()).isEqualTo(200);
        List<String> recovery = (List<String>) Api.body(confirmed).get("recoveryCodes");
        assertThat(recovery)
                .hasSize(10)
                .doesNotHaveDuplicates()
                .allMatch(c -> c.matches("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}"));
        assertThat(status(app, user))
                .containsEntry("totp", Map.of("enabled", true))
                .containsEntry("recoveryCodesRemaining", 10);

        // THEN sign-in accepts the next code, once
        app.clock.advance(java.time.Duration.ofSeconds(30));
        String next = IndependentTotp.code(secret, step + 1);
        APIGatewayV2HTTPResponse verified = verify(app, user, "code", next);
        assertThat(verified.getStatusCode()).isEqualTo(200);
        assertThat(Api.body(verified))
                .containsEntry("verified", true)
                .containsEntry("method", "totp")
                .containsKey("assertion");

        // AND a recovery code works once, and the user is told by email
        APIGatewayV2HTTPResponse recovered =
                verify(app, user, "recoveryCode", recovery.get(3).toLowerCase());
        assertThat(Api.body(recovered))
                .containsEntry("verified", true)
                .containsEntry("method", "recovery")
                .containsKey("assertion");
        assertThat(status(app, user)).containsEntry("recoveryCodesRemaining", 9);

        // AND disabling needs a current code, then deletes the secret and the codes
        app.clock.advance(java.time.Duration.ofSeconds(30));
        APIGatewayV2HTTPResponse disabled = disable(app, user, "code", IndependentTotp.code(secret, step + 2));
        assertThat(disabled.getStatusCode()).as(disabled.getBody()).isEqualTo(200);
        assertThat(status(app, user))
                .containsEntry("totp", Map.of("enabled", false))
                .containsEntry("recoveryCodesRemaining", 0);
        var items = app.dynamo.query(q -> q.tableName(app.table)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(
                        ":pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("USER#" + user))));
        assertThat(items.items())
                .as("no secret or recovery code survives disable")
                .noneMatch(i -> i.containsKey("totpSecret") || i.get("sk").s().startsWith("RECOVERY#"));

        // AND every change was notified by email through SES, with no code or secret in it
        List<Emulators.SentEmail> emails = Emulators.sentEmailsTo(Api.emailOf(user));
        assertThat(emails)
                .extracting(Emulators.SentEmail::subject)
                .containsExactly(
                        "Activate two-factor authentication",
                        "Two-factor authentication is on",
                        "A recovery code was used to sign in",
                        "Authenticator app turned off for two-factor authentication");
        assertThat(emails).allMatch(e -> e.source().equals(TestApp.SENDER));
        assertThat(emails.subList(1, 4))
                .noneMatch(e -> e.body().contains(secret) || recovery.stream().anyMatch(e.body()::contains));
        assertThat(emails.get(2).body()).contains("You have 9 left");
    }

    @Test
    void theTable_expiresItemsThroughTtlOnExpiresAt() {
        var ttl = app.dynamo.describeTimeToLive(d -> d.tableName(app.table)).timeToLiveDescription();
        assertThat(ttl.attributeName()).isEqualTo("expiresAt");
        assertThat(ttl.timeToLiveStatus()).isIn(TimeToLiveStatus.ENABLED, TimeToLiveStatus.ENABLING);
    }

    @Test
    void everyExpiringItem_carriesEpochSecondsTtl() {
        Enrollment.enroll(app, user);
        Enrollment.startAndReadToken(app, "other-" + user);
        var scan = app.dynamo.scan(s -> s.tableName(app.table));
        var expiring = scan.items().stream()
                .filter(i ->
                        i.get("sk").s().startsWith("TOTP#") || i.get("pk").s().startsWith("ACTIVATION#"))
                .toList();
        assertThat(expiring).isNotEmpty();
        long now = app.clock.instant().getEpochSecond();
        assertThat(expiring).allSatisfy(item -> assertThat(
                        Long.parseLong(item.get("expiresAt").n()))
                .as("epoch seconds, within a day of now: " + item)
                .isBetween(now, now + 86_400));
    }
}
