package dev.twofa.it.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.aws.store.DynamoTwoFactorStore;
import dev.twofa.domain.account.OrgPolicy;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The attacker holds only the victim's identity-provider token (a stolen or phished password): no
 * path may add, replace or remove a factor, or its recovery codes, without a proof of a factor the
 * account already has (OWASP MFA cheat sheet; NIST SP 800-63B §6.1.2.1). Each test replays an attack
 * that worked before step-up existed.
 */
class StepUpIT {
    private static final String STEP_UP = "urn:twofa:problem:step-up-required";
    private static final String INVALID_CODE = "urn:twofa:problem:invalid-code";

    private final TestApp app = new TestApp();
    private final String victim = "victim-" + UUID.randomUUID();

    private APIGatewayV2HTTPResponse smsSend(String userId, Map<String, Object> body) {
        return app.smsSend().handleRequest(Api.request("POST /2fa/sms/send", userId, Api.json(body)), null);
    }

    private APIGatewayV2HTTPResponse smsConfirm(String userId, Map<String, Object> body) {
        return app.smsConfirm().handleRequest(Api.request("POST /2fa/sms/confirm", userId, Api.json(body)), null);
    }

    private APIGatewayV2HTTPResponse startEnable(String userId, Map<String, Object> body) {
        return app.startEnable()
                .handleRequest(
                        Api.request("POST /2fa/totp/enable", userId, body == null ? null : Api.json(body)), null);
    }

    private APIGatewayV2HTTPResponse regenerate(String userId, Map<String, Object> body) {
        return app.regenerateRecoveryCodes()
                .handleRequest(Api.request("POST /2fa/recovery-codes/regenerate", userId, Api.json(body)), null);
    }

    private APIGatewayV2HTTPResponse disable(String userId, Map<String, Object> body) {
        return app.disable().handleRequest(Api.request("POST /2fa/disable", userId, Api.json(body)), null);
    }

    private static Map<String, Object> body(Object... keyValues) {
        Map<String, Object> body = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            body.put((String) keyValues[i], keyValues[i + 1]);
        }
        return body;
    }

    private String nextCode(Enrollment.Enrolled user, int stepsAhead) {
        return IndependentTotp.code(user.secret(), user.enrollmentStep() + stepsAhead);
    }

    /** A sign-in with the app, as the web client does right before a settings change. */
    private String signInAssertion(Enrollment.Enrolled user, int stepsAhead) {
        APIGatewayV2HTTPResponse verified = Enrollment.verify(app, user.userId(), "code", nextCode(user, stepsAhead));
        assertThat(verified.getStatusCode()).as(verified.getBody()).isEqualTo(200);
        return (String) Api.body(verified).get("assertion");
    }

    private String smsSignInAssertion(String userId, String phone) {
        assertThat(smsSend(userId, body("purpose", "login")).getStatusCode()).isEqualTo(202);
        APIGatewayV2HTTPResponse confirmed = smsConfirm(userId, body("purpose", "login", "code", Sms.lastCode(phone)));
        assertThat(confirmed.getStatusCode()).as(confirmed.getBody()).isEqualTo(200);
        return (String) Api.body(confirmed).get("assertion");
    }

    private static void assertStepUpRequired(APIGatewayV2HTTPResponse response, List<String> accepted) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(403);
        assertThat(Api.problemType(response)).isEqualTo(STEP_UP);
        assertThat(Api.body(response).get("acceptedProofs")).isEqualTo(accepted);
    }

    private static void assertInvalidCode(APIGatewayV2HTTPResponse response) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(400);
        assertThat(Api.problemType(response)).isEqualTo(INVALID_CODE);
    }

    @Test
    void theIssueExploit_passwordOnlyCannotAddSms_soCannotSignInBySms() {
        Enrollment.enroll(app, victim);
        String attackersPhone = Sms.uniqueDanishMobile();

        APIGatewayV2HTTPResponse send = smsSend(victim, body("purpose", "enable", "phoneNumber", attackersPhone));
        assertStepUpRequired(send, List.of("code", "recoveryCode", "assertion"));
        assertThat(Sms.count(attackersPhone))
                .as("no SMS reaches the attacker's phone")
                .isZero();

        // Nothing was bound, so there is no SMS sign-in to take over.
        APIGatewayV2HTTPResponse login = smsSend(victim, body("purpose", "login"));
        assertThat(login.getStatusCode()).isEqualTo(409);
        assertThat(Enrollment.status(app, victim).get("sms")).isEqualTo(Map.of("enabled", false));
    }

    @Test
    void smsEnable_withAProof_works_andTheProofIsSpent() {
        Enrollment.Enrolled user = Enrollment.enroll(app, victim);
        String phone = Sms.uniqueDanishMobile();
        String code = nextCode(user, 1);

        assertThat(smsSend(victim, body("purpose", "enable", "phoneNumber", phone, "code", code))
                        .getStatusCode())
                .isEqualTo(202);
        // The same code proves nothing twice (RFC 6238 §5.2).
        assertInvalidCode(smsSend(victim, body("purpose", "enable", "phoneNumber", phone, "code", code)));
        APIGatewayV2HTTPResponse confirmed = smsConfirm(victim, body("purpose", "enable", "code", Sms.lastCode(phone)));
        assertThat(confirmed.getStatusCode()).as(confirmed.getBody()).isEqualTo(200);
    }

    @Test
    void smsOnlyUser_cannotStartAnAuthenticatorWithoutProof_butCanWithTheSmsSignInAssertion_once() {
        String phone = Sms.uniqueDanishMobile();
        Sms.enable(app, victim, phone);
        app.clock.advance(Duration.ofSeconds(31));

        assertStepUpRequired(startEnable(victim, null), List.of("assertion"));
        // An authenticator code is no proof for an account without an authenticator.
        assertStepUpRequired(startEnable(victim, body("code", "123456")), List.of("assertion"));

        String assertion = smsSignInAssertion(victim, phone);
        assertThat(startEnable(victim, body("assertion", assertion)).getStatusCode())
                .isEqualTo(202);
        // Each assertion proves once: its jti is spent until it expires.
        app.clock.advance(Duration.ofSeconds(31));
        assertInvalidCode(startEnable(victim, body("assertion", assertion)));
    }

    @Test
    void assertionsOfAnotherUser_expired_tamperedOrForeign_proveNothing() {
        Enrollment.Enrolled user = Enrollment.enroll(app, victim);
        Enrollment.Enrolled other = Enrollment.enroll(app, "other-" + UUID.randomUUID());
        String othersAssertion = signInAssertion(other, 1);
        assertInvalidCode(regenerate(victim, body("assertion", othersAssertion)));

        String mine = signInAssertion(user, 1);
        String[] parts = mine.split("\\.");
        String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
        assertInvalidCode(regenerate(victim, body("assertion", tampered)));
        assertInvalidCode(regenerate(victim, body("assertion", "not.a.jwt")));

        // Older than five minutes: a proof must be fresh.
        app.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertInvalidCode(regenerate(victim, body("assertion", mine)));
    }

    @Test
    void regenerate_needsAProof_andAcceptsEachKind() {
        Enrollment.Enrolled user = Enrollment.enroll(app, victim);
        assertStepUpRequired(regenerate(victim, Map.of()), List.of("code", "recoveryCode", "assertion"));

        assertThat(regenerate(victim, body("code", nextCode(user, 1))).getStatusCode())
                .isEqualTo(200);
        app.clock.advance(Duration.ofSeconds(30));
        String assertion = signInAssertion(user, 2);
        APIGatewayV2HTTPResponse byAssertion = regenerate(victim, body("assertion", assertion));
        assertThat(byAssertion.getStatusCode()).as(byAssertion.getBody()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        List<String> codes = (List<String>) Api.body(byAssertion).get("recoveryCodes");
        assertThat(regenerate(victim, body("recoveryCode", codes.get(0))).getStatusCode())
                .isEqualTo(200);
        // Two proofs at once are a malformed request, not a choice.
        assertThat(regenerate(victim, body("code", "123456", "assertion", assertion))
                        .getStatusCode())
                .isEqualTo(400);
    }

    @Test
    void disable_withoutProof_is403_andTheFactorStays() {
        Enrollment.Enrolled user = Enrollment.enroll(app, victim);
        assertStepUpRequired(disable(victim, Map.of()), List.of("code", "recoveryCode", "assertion"));
        assertThat(Enrollment.status(app, victim).get("totp")).isEqualTo(Map.of("enabled", true));

        String assertion = signInAssertion(user, 1);
        assertThat(disable(victim, body("assertion", assertion)).getStatusCode())
                .isEqualTo(200);
    }

    @Test
    void smsDisable_takesTheSmsCode_orAnotherProof_butNotThePasswordAlone() {
        Enrollment.Enrolled user = Enrollment.enroll(app, victim);
        String phone = Sms.uniqueDanishMobile();
        assertThat(smsSend(victim, body("purpose", "enable", "phoneNumber", phone, "code", nextCode(user, 1)))
                        .getStatusCode())
                .isEqualTo(202);
        assertThat(smsConfirm(victim, body("purpose", "enable", "code", Sms.lastCode(phone)))
                        .getStatusCode())
                .isEqualTo(200);

        // A forged assertion does not turn SMS off.
        assertInvalidCode(smsConfirm(victim, body("purpose", "disable", "assertion", "a.b.c")));
        app.clock.advance(Duration.ofSeconds(30));
        String assertion = signInAssertion(user, 2);
        APIGatewayV2HTTPResponse off = smsConfirm(victim, body("purpose", "disable", "assertion", assertion));
        assertThat(off.getStatusCode()).as(off.getBody()).isEqualTo(200);
        assertThat(Enrollment.status(app, victim).get("sms")).isEqualTo(Map.of("enabled", false));
    }

    @Test
    void anEnrolmentStartedWithoutFactors_cannotCompleteAfterSmsCameOn() {
        // The attacker starts an app enrolment while the account has no factor (no proof needed)...
        String token = Enrollment.startAndReadToken(app, victim);
        String secret =
                (String) Api.body(Enrollment.activate(app, victim, token)).get("secret");
        // ...the owner then turns SMS on...
        Sms.enable(app, victim, Sms.uniqueDanishMobile());
        // ...and the pending enrolment must not add the attacker's app without a proof.
        APIGatewayV2HTTPResponse confirmed =
                Enrollment.confirm(app, victim, IndependentTotp.codeAt(secret, app.clock.instant()));
        assertThat(confirmed.getStatusCode()).as(confirmed.getBody()).isEqualTo(409);
        assertThat(((Map<?, ?>) Enrollment.status(app, victim).get("totp")).get("enabled"))
                .isEqualTo(false);
    }

    @Test
    void anSmsCodeSentWithoutFactors_cannotEnableSmsAfterTheAppCameOn() {
        String attackersPhone = Sms.uniqueDanishMobile();
        assertThat(smsSend(victim, body("purpose", "enable", "phoneNumber", attackersPhone))
                        .getStatusCode())
                .isEqualTo(202);
        Enrollment.enroll(app, victim);
        APIGatewayV2HTTPResponse confirmed =
                smsConfirm(victim, body("purpose", "enable", "code", Sms.lastCode(attackersPhone)));
        assertThat(confirmed.getStatusCode()).as(confirmed.getBody()).isEqualTo(409);
        assertThat(Enrollment.status(app, victim).get("sms")).isEqualTo(Map.of("enabled", false));
    }

    @Test
    void enablingOrDisablingAFactor_neverResetsTheFailureCount() {
        String phone = Sms.uniqueDanishMobile();
        // Three wrong codes against an SMS enrolment...
        assertThat(smsSend(victim, body("purpose", "enable", "phoneNumber", phone))
                        .getStatusCode())
                .isEqualTo(202);
        String right = Sms.lastCode(phone);
        String wrong = right.equals("000000") ? "111111" : "000000";
        for (int i = 0; i < 3; i++) {
            assertInvalidCode(smsConfirm(victim, body("purpose", "enable", "code", wrong)));
        }
        // ...then the factor is enabled: the count stays (privacyIDEA #1578 reset it).
        assertThat(smsConfirm(victim, body("purpose", "enable", "code", right)).getStatusCode())
                .isEqualTo(200);
        assertThat(failures()).isEqualTo(3);
        // Nor does time reset it.
        app.clock.advance(Duration.ofDays(3));
        assertThat(failures()).isEqualTo(3);
        // A successful sign-in does.
        smsSignInAssertion(victim, phone);
        assertThat(failures()).isZero();
    }

    private int failures() {
        return new DynamoTwoFactorStore(app.dynamo, app.table, app.auditTrail)
                .findAccount(victim)
                .orElseThrow()
                .consecutiveFailures();
    }

    @Test
    void twoParallelDisables_underAMandatoryOrganisation_leaveOneFactor() throws Exception {
        DynamoTwoFactorStore store = new DynamoTwoFactorStore(app.dynamo, app.table, app.auditTrail);
        String org = "org-" + UUID.randomUUID();
        store.saveOrgPolicy(new OrgPolicy(org, true, app.clock.instant(), "test", "mandatory 2FA"));
        Map<String, String> orgClaim = Map.of("org_id", org);
        for (int round = 0; round < 3; round++) {
            String userId = "member-" + UUID.randomUUID();
            Enrollment.Enrolled user = Enrollment.enroll(app, userId);
            String phone = Sms.uniqueDanishMobile();
            assertThat(app.smsSend()
                            .handleRequest(
                                    Api.request(
                                            "POST /2fa/sms/send",
                                            userId,
                                            Api.json(body(
                                                    "purpose",
                                                    "enable",
                                                    "phoneNumber",
                                                    phone,
                                                    "code",
                                                    IndependentTotp.code(user.secret(), user.enrollmentStep() + 1))),
                                            orgClaim),
                                    null)
                            .getStatusCode())
                    .isEqualTo(202);
            assertThat(smsConfirm(userId, body("purpose", "enable", "code", Sms.lastCode(phone)))
                            .getStatusCode())
                    .isEqualTo(200);
            app.clock.advance(Duration.ofSeconds(31));
            assertThat(app.smsSend()
                            .handleRequest(
                                    Api.request(
                                            "POST /2fa/sms/send",
                                            userId,
                                            Api.json(body("purpose", "disable")),
                                            orgClaim),
                                    null)
                            .getStatusCode())
                    .isEqualTo(202);
            String smsCode = Sms.lastCode(phone);
            var disableApp = Api.request(
                    "POST /2fa/disable",
                    userId,
                    Api.json(body("recoveryCode", user.recoveryCodes().get(0))),
                    orgClaim);
            var disableSms = Api.request(
                    "POST /2fa/sms/confirm", userId, Api.json(body("purpose", "disable", "code", smsCode)), orgClaim);
            var appHandler = app.disable();
            var smsHandler = app.smsConfirm();
            List<Integer> statuses = together(
                    () -> appHandler.handleRequest(disableApp, null).getStatusCode(),
                    () -> smsHandler.handleRequest(disableSms, null).getStatusCode());

            assertThat(statuses).as("round " + round).containsExactlyInAnyOrder(200, 409);
            Map<String, Object> status = Enrollment.status(app, userId);
            boolean totpOn = Boolean.TRUE.equals(((Map<?, ?>) status.get("totp")).get("enabled"));
            boolean smsOn = Boolean.TRUE.equals(((Map<?, ?>) status.get("sms")).get("enabled"));
            assertThat(totpOn ^ smsOn).as("exactly one factor left: " + status).isTrue();
        }
    }

    @SafeVarargs
    private static List<Integer> together(Callable<Integer>... calls) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(calls.length)) {
            for (Callable<Integer> call : calls) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<Integer> results = new ArrayList<>();
            for (Future<Integer> f : futures) {
                results.add(f.get());
            }
            return results;
        }
    }
}
