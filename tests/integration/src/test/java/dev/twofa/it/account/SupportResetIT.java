package dev.twofa.it.account;

import static dev.twofa.it.support.Enrollment.status;
import static dev.twofa.it.support.Enrollment.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Support reset: only through the IAM-authorized operator route, audited under the caller's
 * verified ARN, and it leaves the user with nothing to bypass.
 */
class SupportResetIT {
    private static final String ROUTE = "POST /operator/support-reset";
    private static final String ALICE = Api.supportSession("alice@support.twofa.test");

    private final TestApp app = new TestApp();
    private final Enrollment.Enrolled user = Enrollment.enroll(app, "user-" + UUID.randomUUID());
    private final String phone = Sms.uniqueDanishMobile();

    private APIGatewayV2HTTPResponse reset(APIGatewayV2HTTPEvent event) {
        return app.supportReset().handleRequest(event, null);
    }

    private static String request(String userId) {
        return Api.json(body(userId));
    }

    private static Map<String, Object> body(String userId) {
        Map<String, Object> input = new HashMap<>();
        input.put("userId", userId);
        input.put("reason", "lost phone; identity proven by video call");
        input.put("ticketId", "SUP-1234");
        return input;
    }

    private List<SecurityEvent> auditOf(String userId) {
        return app.auditTrail.recent(userId, 50, Optional.empty()).events();
    }

    @Test
    void resetOfALockedUser_turnsEveryFactorOff_clearsTheLock_auditsTheCallersArn_andEmails() {
        Sms.enable(
                app,
                user.userId(),
                phone,
                Map.of("recoveryCode", user.recoveryCodes().get(9)));
        // Lock the user: 100 consecutive failures.
        for (int i = 0; i < 100; i++) {
            verify(
                    app,
                    user.userId(),
                    "code",
                    "000000".equals(IndependentTotp.codeAt(user.secret(), app.clock.instant())) ? "111111" : "000000");
            app.clock.advance(Duration.ofMinutes(15));
        }
        assertThat(status(app, user.userId())).containsEntry("signIn", Map.of("locked", true, "retryAfterSeconds", 0));
        APIGatewayV2HTTPEvent event = Api.operatorRequest(ROUTE, ALICE, request(user.userId()));

        APIGatewayV2HTTPResponse response = reset(event);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(Api.body(response)).isEqualTo(Map.of("status", "reset", "userId", user.userId()));
        assertThat(status(app, user.userId()))
                .containsEntry("totp", Map.of("enabled", false))
                .containsEntry("sms", Map.of("enabled", false))
                .containsEntry("recoveryCodesRemaining", 0)
                .containsEntry("signIn", Map.of("locked", false, "retryAfterSeconds", 0));
        var items = app.dynamo.scan(s -> s.tableName(app.table)).items().stream()
                .filter(i -> i.get("pk").s().equals("USER#" + user.userId()))
                .toList();
        assertThat(items).allSatisfy(item -> assertThat(item)
                .doesNotContainKeys("totpSecret", "smsPhone", "recoverySalt", "lastFailureAt"));
        assertThat(items).noneMatch(i -> i.get("sk").s().startsWith("RECOVERY#"));

        SecurityEvent audit = auditOf(user.userId()).get(0);
        assertThat(audit.type()).isEqualTo("support_reset");
        // Who, as API Gateway's IAM authorizer verified it, and the request that finds it in the access log.
        assertThat(audit.details())
                .containsEntry("operator", ALICE)
                .containsEntry("apiRequestId", event.getRequestContext().getRequestId())
                .containsEntry("reason", "lost phone; identity proven by video call")
                .containsEntry("ticketId", "SUP-1234");
        assertThat(Emulators.sentEmailsTo(Api.emailOf(user.userId())))
                .extracting(Emulators.SentEmail::subject)
                .contains("Two-factor authentication was reset by support");

        // The user can enroll again from scratch.
        app.clock.advance(Duration.ofMinutes(1));
        Enrollment.enroll(app, user.userId());
    }

    /**
     * The attack the IAM route closes: a signed-in user (a valid JWT, even with an operator's name
     * in its claims or the body) sends the operator request. Without a caller verified by the IAM
     * authorizer it is refused before the body is read: no reset, no audit record, no email.
     */
    @Test
    void requestWithOnlyAUsersJwtClaims_isRefused_andChangesNothing() {
        String attacker = "mallory-" + UUID.randomUUID();
        Map<String, Object> forged = body(user.userId());
        forged.put("operator", "alice@support.twofa.test");
        APIGatewayV2HTTPEvent jwtOnly = Api.request(
                ROUTE, attacker, Api.json(forged), Map.of("cognito:groups", "[support]", "operator", "alice"));
        int auditBefore = auditOf(user.userId()).size();

        APIGatewayV2HTTPResponse response = reset(jwtOnly);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(401);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/problem+json");
        assertThat(Api.problemType(response)).isEqualTo("urn:twofa:problem:unauthenticated");
        assertThat(status(app, user.userId()))
                .containsEntry("totp", Map.of("enabled", true))
                .containsEntry("recoveryCodesRemaining", 10);
        assertThat(auditOf(user.userId())).hasSize(auditBefore).noneMatch(e -> e.type()
                .equals("support_reset"));
        assertThat(Emulators.sentEmailsTo(Api.emailOf(user.userId())))
                .extracting(Emulators.SentEmail::subject)
                .doesNotContain("Two-factor authentication was reset by support");
    }

    @Test
    void anEmptyOrNonArnCaller_isNoOperatorEither() {
        for (String caller : new String[] {"", "   ", "alice@support.twofa.test"}) {
            APIGatewayV2HTTPResponse response = reset(Api.operatorRequest(ROUTE, caller, request(user.userId())));
            assertThat(response.getStatusCode()).as("caller \"%s\"", caller).isEqualTo(401);
        }
        assertThat(status(app, user.userId())).containsEntry("totp", Map.of("enabled", true));
    }

    /** The notice goes to the address on file whatever the user's factors: here SMS only, no TOTP ever. */
    @Test
    void smsOnlyUser_getsTheNoticeAtTheAddressOnFile() {
        String smsOnly = "sms-user-" + UUID.randomUUID();
        Sms.enable(app, smsOnly, Sms.uniqueDanishMobile());

        assertThat(reset(Api.operatorRequest(ROUTE, ALICE, request(smsOnly))).getStatusCode())
                .isEqualTo(200);

        assertThat(status(app, smsOnly)).containsEntry("sms", Map.of("enabled", false));
        assertThat(Emulators.sentEmailsTo(Api.emailOf(smsOnly)))
                .extracting(Emulators.SentEmail::subject)
                .contains("Two-factor authentication was reset by support");
    }

    @Test
    void everyFieldIsRequired() {
        for (String field : new String[] {"userId", "reason", "ticketId"}) {
            Map<String, Object> input = body(user.userId());
            input.remove(field);
            APIGatewayV2HTTPResponse response = reset(Api.operatorRequest(ROUTE, ALICE, Api.json(input)));
            assertThat(response.getStatusCode()).isEqualTo(400);
            assertThat(Api.body(response))
                    .containsEntry("type", "urn:twofa:problem:invalid-request")
                    .containsEntry("field", field);
        }
        assertThat(status(app, user.userId())).containsEntry("totp", Map.of("enabled", true));
    }

    @Test
    void unknownUser_isRefused_andNothingIsCreated() {
        String nobody = "nobody-" + UUID.randomUUID();
        APIGatewayV2HTTPResponse response = reset(Api.operatorRequest(ROUTE, ALICE, request(nobody)));
        assertThat(response.getStatusCode()).isEqualTo(409);
        assertThat(Api.problemType(response)).isEqualTo("urn:twofa:problem:wrong-state");
        assertThat(app.dynamo.scan(s -> s.tableName(app.table)).items())
                .noneMatch(i -> i.get("pk").s().equals("USER#" + nobody));
    }
}
