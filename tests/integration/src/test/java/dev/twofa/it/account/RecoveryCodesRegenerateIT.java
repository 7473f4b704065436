package dev.twofa.it.account;

import static dev.twofa.it.support.Enrollment.status;
import static dev.twofa.it.support.Enrollment.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.TestApp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Regenerating recovery codes needs a current code; the old set dies; users are warned by email. */
class RecoveryCodesRegenerateIT {
    private final TestApp app = new TestApp();
    private final Enrollment.Enrolled user = Enrollment.enroll(app, "user-" + UUID.randomUUID());

    private APIGatewayV2HTTPResponse regenerate(String code) {
        return app.regenerateRecoveryCodes()
                .handleRequest(
                        Api.request(
                                "POST /2fa/recovery-codes/regenerate", user.userId(), Api.json(Map.of("code", code))),
                        null);
    }

    private List<String> subjects() {
        return Emulators.sentEmailsTo(Api.emailOf(user.userId())).stream()
                .map(Emulators.SentEmail::subject)
                .toList();
    }

    @Test
    @SuppressWarnings("unchecked")
    void regenerate_replacesEveryCode_afterACurrentCode() {
        // Spend one old code first: the new set is a full ten again.
        assertThat(verify(
                                app,
                                user.userId(),
                                "recoveryCode",
                                user.recoveryCodes().get(0))
                        .getStatusCode())
                .isEqualTo(200);
        APIGatewayV2HTTPResponse response = regenerate(IndependentTotp.code(user.secret(), user.enrollmentStep() + 1));
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        List<String> fresh = (List<String>) Api.body(response).get("recoveryCodes");
        assertThat(fresh).hasSize(10).doesNotContainAnyElementsOf(user.recoveryCodes());
        assertThat(status(app, user.userId())).containsEntry("recoveryCodesRemaining", 10);

        assertThat(verify(
                                app,
                                user.userId(),
                                "recoveryCode",
                                user.recoveryCodes().get(1))
                        .getStatusCode())
                .as("an old code dies with its set")
                .isEqualTo(400);
        assertThat(verify(app, user.userId(), "recoveryCode", fresh.get(0)).getStatusCode())
                .isEqualTo(200);
        assertThat(subjects()).contains("Your recovery codes were replaced");
        assertThat(app.events.namesFor(user.userId())).contains("recovery_codes_regenerated");
    }

    @Test
    void regenerate_withAWrongOrReplayedCode_is400_andKeepsTheOldCodes() {
        String enrollmentCode = IndependentTotp.code(user.secret(), user.enrollmentStep());
        assertThat(Api.problemType(regenerate(enrollmentCode))).isEqualTo("urn:twofa:problem:invalid-code");
        assertThat(verify(
                                app,
                                user.userId(),
                                "recoveryCode",
                                user.recoveryCodes().get(0))
                        .getStatusCode())
                .isEqualTo(200);
    }

    @Test
    void regenerate_withoutTheAuthenticatorApp_is409() {
        var stranger = app.regenerateRecoveryCodes()
                .handleRequest(
                        Api.request(
                                "POST /2fa/recovery-codes/regenerate",
                                "nobody-" + UUID.randomUUID(),
                                Api.json(Map.of("code", "123456"))),
                        null);
        assertThat(stranger.getStatusCode()).isEqualTo(409);
    }

    @Test
    void anEmailWarns_whenTwoOrFewerCodesRemain() {
        for (int i = 0; i < 7; i++) {
            assertThat(verify(
                                    app,
                                    user.userId(),
                                    "recoveryCode",
                                    user.recoveryCodes().get(i))
                            .getStatusCode())
                    .isEqualTo(200);
        }
        assertThat(subjects()).doesNotContain("You are running out of recovery codes");
        app.clock.advance(Duration.ofSeconds(1));
        verify(app, user.userId(), "recoveryCode", user.recoveryCodes().get(7));
        assertThat(status(app, user.userId())).containsEntry("recoveryCodesRemaining", 2);
        assertThat(subjects()).containsOnlyOnce("You are running out of recovery codes");
    }
}
