package dev.twofa.it.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** An organisation can make 2FA mandatory: members are told to enroll and cannot drop their last factor. */
class OrgPolicyIT {
    private static final String BOB = Api.supportSession("bob@ops.twofa.test");

    private final TestApp app = new TestApp();
    private final String org = "acme-" + UUID.randomUUID();
    private final Map<String, String> member = Map.of("org_id", org);

    private static String policy(String orgId, boolean required) {
        Map<String, Object> input = new HashMap<>();
        input.put("orgId", orgId);
        input.put("mfaRequired", required);
        input.put("reason", "security review 2026");
        return Api.json(input);
    }

    private Map<String, Object> setPolicy(boolean required) {
        APIGatewayV2HTTPResponse response = app.orgPolicy()
                .handleRequest(Api.operatorRequest("PUT /operator/org-policy", BOB, policy(org, required)), null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return Api.body(response);
    }

    private Map<String, Object> status(String userId) {
        APIGatewayV2HTTPResponse response =
                app.status().handleRequest(Api.request("GET /2fa/status", userId, null, member), null);
        return Api.body(response);
    }

    private APIGatewayV2HTTPResponse disableTotp(String userId, String code) {
        return app.disable()
                .handleRequest(Api.request("POST /2fa/disable", userId, Api.json(Map.of("code", code)), member), null);
    }

    @Test
    void statusAsksMembersWithoutAFactorToEnroll_onlyWhileThePolicyHolds() {
        String user = "user-" + UUID.randomUUID();
        assertThat(status(user)).containsEntry("enrollmentRequired", false);
        assertThat(setPolicy(true)).containsEntry("mfaRequired", true).containsEntry("updatedBy", BOB);
        assertThat(status(user)).containsEntry("enrollmentRequired", true);
        // A user of another organisation (or none) is not concerned.
        assertThat(Api.body(app.status().handleRequest(Api.request("GET /2fa/status", user, null), null)))
                .containsEntry("enrollmentRequired", false);
        setPolicy(false);
        assertThat(status(user)).containsEntry("enrollmentRequired", false);
    }

    @Test
    void disablingTheLastFactor_isRefused_whileThePolicyHolds() {
        Enrollment.Enrolled user = Enrollment.enroll(app, "user-" + UUID.randomUUID());
        assertThat(status(user.userId())).containsEntry("enrollmentRequired", false);
        setPolicy(true);

        String code = IndependentTotp.code(user.secret(), user.enrollmentStep() + 1);
        APIGatewayV2HTTPResponse refused = disableTotp(user.userId(), code);
        assertThat(refused.getStatusCode()).isEqualTo(409);
        assertThat(Api.body(refused).get("detail").toString()).contains("organisation requires");

        // With SMS as a second factor, the authenticator app may go; then SMS is the last one.
        String phone = Sms.uniqueDanishMobile();
        Sms.enable(
                app,
                user.userId(),
                phone,
                Map.of("recoveryCode", user.recoveryCodes().get(5)));
        assertThat(disableTotp(user.userId(), code).getStatusCode()).isEqualTo(200);
        app.clock.advance(Duration.ofSeconds(31));
        APIGatewayV2HTTPResponse smsDisable = app.smsSend()
                .handleRequest(
                        Api.request(
                                "POST /2fa/sms/send", user.userId(), Api.json(Map.of("purpose", "disable")), member),
                        null);
        assertThat(smsDisable.getStatusCode()).isEqualTo(409);

        setPolicy(false);
        app.clock.advance(Duration.ofSeconds(31));
        assertThat(app.smsSend()
                        .handleRequest(
                                Api.request(
                                        "POST /2fa/sms/send",
                                        user.userId(),
                                        Api.json(Map.of("purpose", "disable")),
                                        member),
                                null)
                        .getStatusCode())
                .isEqualTo(202);
    }

    @Test
    void policyChanges_areAudited_underTheOrganisation() {
        setPolicy(true);
        SecurityEvent audit = app.auditTrail
                .recent("org:" + org, 5, Optional.empty())
                .events()
                .get(0);
        assertThat(audit.type()).isEqualTo("org_policy_changed");
        assertThat(audit.details())
                .containsEntry("orgId", org)
                .containsEntry("mfaRequired", "true")
                .containsEntry("operator", BOB)
                .containsKey("apiRequestId");
    }

    /** A user's token is no operator: without an IAM caller the policy stays as it was, and nothing is audited. */
    @Test
    void requestWithOnlyAUsersJwtClaims_isRefused_andChangesNothing() {
        String attacker = "user-" + UUID.randomUUID();
        APIGatewayV2HTTPResponse response = app.orgPolicy()
                .handleRequest(Api.request("PUT /operator/org-policy", attacker, policy(org, true), member), null);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(401);
        assertThat(Api.problemType(response)).isEqualTo("urn:twofa:problem:unauthenticated");
        assertThat(status(attacker)).containsEntry("enrollmentRequired", false);
        assertThat(app.auditTrail.recent("org:" + org, 5, Optional.empty()).events())
                .isEmpty();
    }
}
