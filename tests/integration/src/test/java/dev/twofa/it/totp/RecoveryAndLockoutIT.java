package dev.twofa.it.totp;

import static dev.twofa.it.support.Enrollment.status;
import static dev.twofa.it.support.Enrollment.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.TestApp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Recovery codes are single use; failures lock out per user across methods (NIST 800-63B §5.2.2). */
class RecoveryAndLockoutIT {
    private final TestApp app = new TestApp();
    private final Enrollment.Enrolled user = Enrollment.enroll(app, "user-" + UUID.randomUUID());

    private String wrongCode() {
        long step = IndependentTotp.step(app.clock.instant());
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            boolean valid = false;
            for (long s = step - 1; s <= step + 1; s++) {
                valid |= IndependentTotp.code(user.secret(), s).equals(code);
            }
            if (!valid) {
                return code;
            }
        }
    }

    @Test
    void secondUseOfARecoveryCode_isRefused() {
        String code = user.recoveryCodes().get(0);
        assertThat(verify(app, user.userId(), "recoveryCode", code).getStatusCode())
                .isEqualTo(200);
        APIGatewayV2HTTPResponse again = verify(app, user.userId(), "recoveryCode", code);
        assertThat(again.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(again)).isEqualTo("urn:twofa:problem:invalid-code");
    }

    @Test
    void recoveryCodesAreStoredOnlyHashed() {
        var scan = app.dynamo.scan(s -> s.tableName(app.table)).items().toString();
        user.recoveryCodes().forEach(c -> assertThat(scan).doesNotContain(c).doesNotContain(c.replace("-", "")));
    }

    /**
     * Issue 15, honest waiting: every counted wrong code says how many more the lockout takes before
     * a wait starts and before the lock (the next one included), whatever the method or the step
     * (sign-in, a wrong recovery code, a change's proof), so the client can warn before the wait.
     */
    @Test
    void eachWrongCode_saysHowManyMoreBeforeTheWaitAndTheLock_acrossMethodsAndSteps() {
        List<APIGatewayV2HTTPResponse> refusals = List.of(
                verify(app, user.userId(), "code", wrongCode()),
                verify(app, user.userId(), "recoveryCode", "AAAA-AAAA-AAAA"),
                Enrollment.disable(app, user.userId(), "code", wrongCode()),
                verify(app, user.userId(), "code", wrongCode()),
                verify(app, user.userId(), "code", wrongCode()));
        for (int i = 0; i < refusals.size(); i++) {
            APIGatewayV2HTTPResponse refused = refusals.get(i);
            assertThat(refused.getStatusCode()).as(refused.getBody()).isEqualTo(400);
            assertThat(Api.body(refused))
                    .as("failure %d", i + 1)
                    .containsEntry("type", "urn:twofa:problem:invalid-code")
                    .containsEntry("attemptsBeforeWait", 4 - i)
                    .containsEntry("attemptsBeforeLock", 99 - i);
        }
        // 1 before: the next wrong code started the wait (0: one runs now), as the 429 then says.
        APIGatewayV2HTTPResponse waiting = verify(app, user.userId(), "code", wrongCode());
        assertThat(waiting.getStatusCode()).isEqualTo(429);
        assertThat(Api.body(waiting)).doesNotContainKeys("attemptsBeforeWait", "attemptsBeforeLock");
        // A success resets the count, and the figures with it.
        app.clock.advance(Duration.ofSeconds(1));
        String next = IndependentTotp.code(user.secret(), user.enrollmentStep() + 1);
        assertThat(verify(app, user.userId(), "code", next).getStatusCode()).isEqualTo(200);
        assertThat(Api.body(verify(app, user.userId(), "code", wrongCode())))
                .containsEntry("attemptsBeforeWait", 4)
                .containsEntry("attemptsBeforeLock", 99);
    }

    @Test
    void afterFiveFailures_eachAttemptWaitsLonger_withRetryAfter() {
        for (int i = 1; i <= 5; i++) {
            assertThat(verify(app, user.userId(), "code", wrongCode()).getStatusCode())
                    .isEqualTo(400);
        }
        // 5 consecutive failures: the next attempt must wait 2^0 = 1 s.
        APIGatewayV2HTTPResponse throttled = verify(app, user.userId(), "code", wrongCode());
        assertThat(throttled.getStatusCode()).isEqualTo(429);
        assertThat(throttled.getHeaders()).containsEntry("Retry-After", "1");
        assertThat(Api.problemType(throttled)).isEqualTo("urn:twofa:problem:too-many-attempts");

        // Even the right code waits: the guard runs before any code is checked.
        String right = IndependentTotp.code(user.secret(), user.enrollmentStep() + 1);
        assertThat(verify(app, user.userId(), "code", right).getStatusCode()).isEqualTo(429);
        // A recovery code counts toward the same per-user lockout.
        assertThat(verify(
                                app,
                                user.userId(),
                                "recoveryCode",
                                user.recoveryCodes().get(0))
                        .getStatusCode())
                .isEqualTo(429);

        app.clock.advance(Duration.ofSeconds(1));
        assertThat(verify(app, user.userId(), "recoveryCode", "AAAA-AAAA-AAAA").getStatusCode())
                .isEqualTo(400);
        // 6 failures: 2 s.
        assertThat(verify(app, user.userId(), "code", wrongCode()).getHeaders()).containsEntry("Retry-After", "2");
        assertThat(status(app, user.userId())).containsEntry("signIn", Map.of("locked", false, "retryAfterSeconds", 2));

        // Time alone does not reset the count (privacyIDEA #1578): after a long wait, one more failure
        // still doubles the wait to 4 s.
        app.clock.advance(Duration.ofHours(2));
        assertThat(verify(app, user.userId(), "code", wrongCode()).getStatusCode())
                .isEqualTo(400);
        assertThat(verify(app, user.userId(), "code", wrongCode()).getHeaders()).containsEntry("Retry-After", "4");

        // Only a success resets it.
        app.clock.advance(Duration.ofSeconds(4));
        String fresh = IndependentTotp.codeAt(user.secret(), app.clock.instant());
        assertThat(verify(app, user.userId(), "code", fresh).getStatusCode()).isEqualTo(200);
        assertThat(verify(app, user.userId(), "code", wrongCode()).getStatusCode())
                .isEqualTo(400);
        assertThat(verify(app, user.userId(), "code", wrongCode()).getStatusCode())
                .isEqualTo(400);
    }

    @Test
    void waitIsCappedAtFifteenMinutes_andHundredFailuresLockUntilSupportReset() {
        for (int i = 1; i <= 99; i++) {
            APIGatewayV2HTTPResponse r = verify(app, user.userId(), "code", wrongCode());
            assertThat(r.getStatusCode()).as("attempt " + i).isEqualTo(400);
            assertThat(Api.body(r))
                    .as("attempt " + i)
                    .containsEntry("attemptsBeforeWait", Math.max(0, 5 - i))
                    .containsEntry("attemptsBeforeLock", 100 - i);
            app.clock.advance(Duration.ofMinutes(15));
        }
        app.clock.advance(Duration.ofSeconds(1));
        APIGatewayV2HTTPResponse hundredth = verify(app, user.userId(), "code", wrongCode());
        assertThat(hundredth.getStatusCode()).as("the wait never exceeds 900 s").isEqualTo(400);
        // The answer that locks says so: no wrong code is taken any more.
        assertThat(Api.body(hundredth)).containsEntry("attemptsBeforeLock", 0);

        // That was the 100th consecutive failure.
        app.clock.advance(Duration.ofDays(30));
        APIGatewayV2HTTPResponse locked =
                verify(app, user.userId(), "code", IndependentTotp.codeAt(user.secret(), app.clock.instant()));
        assertThat(locked.getStatusCode()).isEqualTo(429);
        assertThat(Api.problemType(locked)).isEqualTo("urn:twofa:problem:factor-locked");
        assertThat(status(app, user.userId())).containsEntry("signIn", Map.of("locked", true, "retryAfterSeconds", 0));
        assertThat(app.events.namesFor(user.userId())).contains("factor_locked");
    }

    @Test
    void lockoutIsSharedBetweenSignInAndDisable() {
        for (int i = 1; i <= 5; i++) {
            Enrollment.disable(app, user.userId(), "code", wrongCode());
        }
        assertThat(verify(app, user.userId(), "code", wrongCode()).getStatusCode())
                .isEqualTo(429);
    }
}
