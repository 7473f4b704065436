package dev.twofa.it.totp;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.TestApp;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The activation link: single use, bound to its user, short-lived, replaced by a new one. */
class ActivationTokenIT {
    private final TestApp app = new TestApp();
    private final String user = "user-" + UUID.randomUUID();

    private static void assertInvalidLink(APIGatewayV2HTTPResponse response) {
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(response)).isEqualTo("urn:twofa:problem:invalid-activation-link");
    }

    @Test
    void expiredToken_isRefused_evenBeforeTtlDeletesIt() {
        String token = Enrollment.startAndReadToken(app, user);
        app.clock.advance(Duration.ofMinutes(15).plusSeconds(1));
        assertInvalidLink(Enrollment.activate(app, user, token));
    }

    @Test
    void tokenJustBeforeExpiry_works() {
        String token = Enrollment.startAndReadToken(app, user);
        app.clock.advance(Duration.ofMinutes(15).minusSeconds(1));
        assertThat(Enrollment.activate(app, user, token).getStatusCode()).isEqualTo(200);
    }

    @Test
    void secondUseOfAToken_isRefused() {
        String token = Enrollment.startAndReadToken(app, user);
        assertThat(Enrollment.activate(app, user, token).getStatusCode()).isEqualTo(200);
        assertInvalidLink(Enrollment.activate(app, user, token));
    }

    @Test
    void anotherUsersToken_isRefused_andStaysUsableByItsOwner() {
        String token = Enrollment.startAndReadToken(app, user);
        assertInvalidLink(Enrollment.activate(app, "mallory-" + UUID.randomUUID(), token));
        assertThat(Enrollment.activate(app, user, token).getStatusCode()).isEqualTo(200);
    }

    @Test
    void reEnabling_replacesThePendingEnrollment_andVoidsTheOldLink() {
        String first = Enrollment.startAndReadToken(app, user);
        // Activation emails are at least 30 s apart (an inbox must not be flooded through us).
        app.clock.advance(Duration.ofSeconds(31));
        String second = Enrollment.startAndReadToken(app, user);
        assertThat(second).isNotEqualTo(first);
        assertInvalidLink(Enrollment.activate(app, user, first));
        assertThat(Enrollment.activate(app, user, second).getStatusCode()).isEqualTo(200);
    }

    @Test
    void tokenIsStoredOnlyAsAHash() {
        String token = Enrollment.startAndReadToken(app, user);
        var scan = app.dynamo.scan(s -> s.tableName(app.table));
        assertThat(scan.items().toString()).doesNotContain(token);
    }

    @Test
    void malformedToken_is400InvalidRequest() {
        APIGatewayV2HTTPResponse response = Enrollment.activate(app, user, "short");
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(Api.body(response))
                .containsEntry("type", "urn:twofa:problem:invalid-request")
                .containsEntry("field", "token");
    }

    @Test
    void confirmWithoutActivation_is409() {
        Enrollment.startAndReadToken(app, user);
        APIGatewayV2HTTPResponse response = Enrollment.confirm(app, user, "123456");
        assertThat(response.getStatusCode()).isEqualTo(409);
        assertThat(Api.problemType(response)).isEqualTo("urn:twofa:problem:wrong-state");
    }

    @Test
    void enableTwice_is409_andVerifyWhenNotEnrolled_is409() {
        Enrollment.enroll(app, user);
        var again = app.startEnable().handleRequest(Api.request("POST /2fa/totp/enable", user, null), null);
        assertThat(again.getStatusCode()).isEqualTo(409);
        var stranger = Enrollment.verify(app, "nobody-" + UUID.randomUUID(), "code", "123456");
        assertThat(stranger.getStatusCode()).isEqualTo(409);
        var disableStranger = Enrollment.disable(app, "nobody-" + UUID.randomUUID(), "code", "123456");
        assertThat(disableStranger.getStatusCode()).isEqualTo(409);
    }

    @Test
    void noPrincipal_is401() {
        var response = app.status().handleRequest(Api.request("GET /2fa/status", null, null), null);
        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/problem+json");
        assertThat(Api.body(response)).containsKeys("type", "title", "status", "detail");
    }
}
