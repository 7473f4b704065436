package dev.twofa.it.totp;

import static dev.twofa.it.support.Enrollment.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.Race;
import dev.twofa.it.support.TestApp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** RFC 6238 §5.2: a code is accepted once; the matched step, not the server's, is what is spent. */
class ReplayIT {
    private final TestApp app = new TestApp();
    private final Enrollment.Enrolled user = Enrollment.enroll(app, "user-" + UUID.randomUUID());

    @Test
    void verify_rejectsReplayedCode_inSameTimeStep() {
        String code = IndependentTotp.code(user.secret(), user.enrollmentStep() + 1);
        assertThat(verify(app, user.userId(), "code", code).getStatusCode()).isEqualTo(200);

        APIGatewayV2HTTPResponse replay = verify(app, user.userId(), "code", code);
        assertThat(replay.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(replay)).isEqualTo("urn:twofa:problem:invalid-code");
        assertThat(app.events.namesFor(user.userId())).contains("replay_refused");
    }

    @Test
    void verify_rejectsTheEnrollmentCode() {
        String enrollmentCode = IndependentTotp.code(user.secret(), user.enrollmentStep());
        assertThat(verify(app, user.userId(), "code", enrollmentCode).getStatusCode())
                .isEqualTo(400);
    }

    @Test
    void verify_rejectsAStepBelowTheLastAccepted_evenIfStillInTheWindow() {
        // The user's clock runs ahead: the step after next is accepted first…
        app.clock.advance(Duration.ofSeconds(30));
        long current = IndependentTotp.step(app.clock.instant());
        assertThat(verify(app, user.userId(), "code", IndependentTotp.code(user.secret(), current + 1))
                        .getStatusCode())
                .isEqualTo(200);
        // …then the current step, still inside ±1, is refused: it is below the last accepted one.
        assertThat(verify(app, user.userId(), "code", IndependentTotp.code(user.secret(), current))
                        .getStatusCode())
                .isEqualTo(400);
    }

    @Test
    void replayBody_isIdenticalToWrongCodeBody() {
        String code = IndependentTotp.code(user.secret(), user.enrollmentStep() + 1);
        verify(app, user.userId(), "code", code);
        Map<String, Object> replayed = Api.body(verify(app, user.userId(), "code", code));
        Map<String, Object> wrong =
                Api.body(verify(app, user.userId(), "code", code.equals("000000") ? "111111" : "000000"));
        // The figures of the lockout follow the count alone (the first and the second failure)...
        assertThat(replayed).containsEntry("attemptsBeforeWait", 4).containsEntry("attemptsBeforeLock", 99);
        assertThat(wrong).containsEntry("attemptsBeforeWait", 3).containsEntry("attemptsBeforeLock", 98);
        // ...and nothing else differs: a replay cannot be told from a wrong code.
        replayed.keySet().removeAll(Set.of("attemptsBeforeWait", "attemptsBeforeLock"));
        wrong.keySet().removeAll(Set.of("attemptsBeforeWait", "attemptsBeforeLock"));
        assertThat(replayed).isEqualTo(wrong);
    }

    @Test
    void twentyParallelVerifiesOfOneCode_exactlyOneSucceeds() throws Exception {
        String code = IndependentTotp.code(user.secret(), user.enrollmentStep() + 1);
        List<Integer> statuses = Race.statuses(
                20,
                app::verifyLogin,
                () -> Api.request("POST /2fa/verify", user.userId(), Api.json(java.util.Map.of("code", code))));
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        assertThat(statuses).filteredOn(s -> s != 200).allMatch(s -> s == 400 || s == 429);
    }
}
