package dev.twofa.it.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.functions.verifylogin.VerifyLoginHandler;
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
 * Both sides of the proof and state decisions: an assertion is a proof only for this service's
 * audience and only once, yet every assertion of a new sign-in is its own proof; an enrolment
 * started with a proof completes on an account that has a factor; a blank "verified" address is no
 * address; an operator's reason is kept in the audit trail.
 */
class ProofEdgesIT {
    private static final String INVALID_CODE = "urn:twofa:problem:invalid-code";

    private final TestApp app = new TestApp();
    private final String userId = "user-" + UUID.randomUUID();

    private static APIGatewayV2HTTPResponse signIn(VerifyLoginHandler handler, String userId, String code) {
        return handler.handleRequest(Api.request("POST /2fa/verify", userId, Api.json(Map.of("code", code))), null);
    }

    private APIGatewayV2HTTPResponse regenerate(Map<String, Object> body) {
        return app.regenerateRecoveryCodes()
                .handleRequest(Api.request("POST /2fa/recovery-codes/regenerate", userId, Api.json(body)), null);
    }

    private String smsSignInAssertion(String phone) {
        app.clock.advance(Duration.ofSeconds(31));
        assertThat(Sms.send(app, userId, "login", null).getStatusCode()).isEqualTo(202);
        APIGatewayV2HTTPResponse confirmed = Sms.confirm(app, userId, "login", Sms.lastCode(phone));
        assertThat(confirmed.getStatusCode()).as(confirmed.getBody()).isEqualTo(200);
        return (String) Api.body(confirmed).get("assertion");
    }

    private APIGatewayV2HTTPResponse startEnable(Map<String, Object> body, Map<String, String> claims) {
        return app.startEnable()
                .handleRequest(
                        Api.request("POST /2fa/totp/enable", userId, body == null ? null : Api.json(body), claims),
                        null);
    }

    @Test
    void anAssertionSignedWithOurKeys_forAnotherAudience_provesNothing() {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        // A second relying application on the same keys: its assertions are genuine, but not for us.
        VerifyLoginHandler otherAudience =
                new VerifyLoginHandler(app.withSettings(Map.of("ASSERTION_AUDIENCE", "other-app.twofa.test"))
                        .verifyLogin());
        APIGatewayV2HTTPResponse signedIn =
                signIn(otherAudience, userId, IndependentTotp.code(user.secret(), user.enrollmentStep() + 1));
        assertThat(signedIn.getStatusCode()).as(signedIn.getBody()).isEqualTo(200);
        String foreign = (String) Api.body(signedIn).get("assertion");

        APIGatewayV2HTTPResponse refused = regenerate(Map.of("assertion", foreign));
        assertThat(refused.getStatusCode()).as(refused.getBody()).isEqualTo(400);
        assertThat(Api.problemType(refused)).isEqualTo(INVALID_CODE);
        assertThat(app.events.namesFor(userId)).doesNotContain("recovery_codes_regenerated");
    }

    @Test
    void eachSignIn_issuesItsOwnProof_eachUsableOnce() {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        APIGatewayV2HTTPResponse first =
                Enrollment.verify(app, userId, "code", IndependentTotp.code(user.secret(), user.enrollmentStep() + 1));
        app.clock.advance(Duration.ofSeconds(30));
        APIGatewayV2HTTPResponse second =
                Enrollment.verify(app, userId, "code", IndependentTotp.code(user.secret(), user.enrollmentStep() + 2));
        String one = (String) Api.body(first).get("assertion");
        String two = (String) Api.body(second).get("assertion");

        assertThat(regenerate(Map.of("assertion", one)).getStatusCode()).isEqualTo(200);
        APIGatewayV2HTTPResponse byTheSecond = regenerate(Map.of("assertion", two));
        assertThat(byTheSecond.getStatusCode()).as(byTheSecond.getBody()).isEqualTo(200);
        assertThat(Api.problemType(regenerate(Map.of("assertion", two)))).isEqualTo(INVALID_CODE);
    }

    @Test
    void anAppEnrolmentStartedWithAProof_completesOnAnSmsAccount() {
        String phone = Sms.uniqueDanishMobile();
        Sms.enable(app, userId, phone);
        String assertion = smsSignInAssertion(phone);
        APIGatewayV2HTTPResponse started = startEnable(Map.of("assertion", assertion), Map.of());
        assertThat(started.getStatusCode()).as(started.getBody()).isEqualTo(202);
        APIGatewayV2HTTPResponse activated = Enrollment.activate(app, userId, Enrollment.latestToken(userId));
        String secret = (String) Api.body(activated).get("secret");

        APIGatewayV2HTTPResponse confirmed =
                Enrollment.confirm(app, userId, IndependentTotp.codeAt(secret, app.clock.instant()));
        assertThat(confirmed.getStatusCode()).as(confirmed.getBody()).isEqualTo(200);
        assertThat(Enrollment.status(app, userId).get("totp")).isEqualTo(Map.of("enabled", true));
        assertThat(((Map<?, ?>) Enrollment.status(app, userId).get("sms")).get("enabled"))
                .isEqualTo(true);
    }

    @Test
    void aBlankVerifiedAddress_isNoAddress_theLinkGoesToTheOneOnFile() {
        String phone = Sms.uniqueDanishMobile();
        Sms.enable(app, userId, phone); // stores the verified address on file
        String assertion = smsSignInAssertion(phone);
        APIGatewayV2HTTPResponse started =
                startEnable(Map.of("assertion", assertion), Map.of("email", " ", "email_verified", "true"));
        assertThat(started.getStatusCode()).as(started.getBody()).isEqualTo(202);
        assertThat(Emulators.sentEmailsTo(Api.emailOf(userId)))
                .filteredOn(e -> e.subject().startsWith("Activate"))
                .hasSize(1);
    }

    @Test
    void aBlankVerifiedAddress_withNoneOnFile_isRefusedAsUnverified() {
        APIGatewayV2HTTPResponse refused = startEnable(null, Map.of("email", "", "email_verified", "true"));
        assertThat(refused.getStatusCode()).as(refused.getBody()).isEqualTo(409);
        assertThat(Api.problemType(refused)).isEqualTo("urn:twofa:problem:email-not-verified");
    }

    @Test
    void theOperatorsReason_isAudited_andNoneIsRecordedWhenNoneWasGiven() {
        String org = "acme-" + UUID.randomUUID();
        String operator = Api.supportSession("bob@ops.twofa.test");
        Map<String, Object> withReason = new HashMap<>(Map.of("orgId", org, "mfaRequired", true));
        withReason.put("reason", "security review 2026");
        assertThat(app.orgPolicy()
                        .handleRequest(
                                Api.operatorRequest("PUT /operator/org-policy", operator, Api.json(withReason)), null)
                        .getStatusCode())
                .isEqualTo(200);
        assertThat(app.orgPolicy()
                        .handleRequest(
                                Api.operatorRequest(
                                        "PUT /operator/org-policy",
                                        operator,
                                        Api.json(Map.of("orgId", org, "mfaRequired", false))),
                                null)
                        .getStatusCode())
                .isEqualTo(200);

        var changes = app.events.all().stream()
                .filter(e -> e.userId().equals("org:" + org))
                .map(SecurityEvent::details)
                .toList();
        assertThat(changes).hasSize(2);
        assertThat(changes.get(0)).containsEntry("reason", "security review 2026");
        assertThat(changes.get(1)).containsEntry("mfaRequired", "false").doesNotContainKey("reason");
    }
}
