package dev.twofa.it.totp;

import static dev.twofa.it.support.Enrollment.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.TestApp;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An attacker at {@code POST /2fa/totp/confirm}: a wrong code, a code outside the ±1 step window, or the enrollment
 * code sent again turns nothing on, counts as a failure and answers the same {@code invalid-code} body.
 */
class ConfirmCodeIT {
    private final TestApp app = new TestApp();
    private final String user = "user-" + UUID.randomUUID();

    private String activate() {
        APIGatewayV2HTTPResponse activated = Enrollment.activate(app, user, Enrollment.startAndReadToken(app, user));
        assertThat(activated.getStatusCode()).as(activated.getBody()).isEqualTo(200);
        return (String) Api.body(activated).get("secret");
    }

    private static String wrong(String right) {
        return right.equals("000000") ? "111111" : "000000";
    }

    @Test
    void aWrongCode_enablesNothing_andCountsAsAFailure() {
        String secret = activate();
        String right = IndependentTotp.codeAt(secret, app.clock.instant());

        APIGatewayV2HTTPResponse refused = Enrollment.confirm(app, user, wrong(right));

        assertThat(refused.getStatusCode()).as(refused.getBody()).isEqualTo(400);
        assertThat(Api.problemType(refused)).isEqualTo("urn:twofa:problem:invalid-code");
        assertThat(status(app, user))
                .containsEntry("totp", Map.of("enabled", false, "pending", "awaiting_confirmation"));
        assertThat(app.events.namesFor(user)).contains("verify_failed").doesNotContain("totp_enabled");
        // The right code still works afterwards: the failure spent nothing.
        assertThat(Enrollment.confirm(app, user, right).getStatusCode()).isEqualTo(200);
    }

    @Test
    void aCodeTwoStepsAway_isOutsideTheWindow() {
        String secret = activate();
        long step = IndependentTotp.step(app.clock.instant());

        for (long away : new long[] {-2, 2}) {
            APIGatewayV2HTTPResponse refused = Enrollment.confirm(app, user, IndependentTotp.code(secret, step + away));
            assertThat(refused.getStatusCode()).as("step %+d", away).isEqualTo(400);
        }
        // ...while the step just before is inside it.
        assertThat(Enrollment.confirm(app, user, IndependentTotp.code(secret, step - 1))
                        .getStatusCode())
                .isEqualTo(200);
    }

    @Test
    void theEnrollmentCode_sentAgain_isNotASecondEnablement() {
        String secret = activate();
        String code = IndependentTotp.codeAt(secret, app.clock.instant());
        assertThat(Enrollment.confirm(app, user, code).getStatusCode()).isEqualTo(200);

        APIGatewayV2HTTPResponse again = Enrollment.confirm(app, user, code);

        assertThat(again.getStatusCode()).isEqualTo(409);
        assertThat(Api.problemType(again)).isEqualTo("urn:twofa:problem:wrong-state");
        assertThat(app.events.namesFor(user)).containsOnlyOnce("totp_enabled");
    }

    @Test
    void theWrongCodeBody_isIdenticalToTheExpiredCodeBody() {
        String secret = activate();
        long step = IndependentTotp.step(app.clock.instant());
        Map<String, Object> expired = Api.body(Enrollment.confirm(app, user, IndependentTotp.code(secret, step - 3)));
        app.clock.advance(Duration.ofSeconds(1));
        Map<String, Object> wrong = Api.body(Enrollment.confirm(app, user, wrong(IndependentTotp.code(secret, step))));

        // Only the lockout's figures differ, by the one failure counted in between.
        assertThat(expired).containsEntry("attemptsBeforeWait", 4);
        assertThat(wrong).containsEntry("attemptsBeforeWait", 3);
        expired.keySet().removeAll(java.util.Set.of("attemptsBeforeWait", "attemptsBeforeLock"));
        wrong.keySet().removeAll(java.util.Set.of("attemptsBeforeWait", "attemptsBeforeLock"));
        assertThat(expired).isEqualTo(wrong);
    }
}
