package dev.twofa.it.totp;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.config.TotpSettings;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * GET /2fa/totp/pending (issue 15): a reload of the setup page shows the same key and QR code again,
 * for the caller's own setup only, while it waits for its first code; the link stays single use.
 */
class PendingSetupIT {
    private final TestApp app = new TestApp();
    private final String user = "user-" + UUID.randomUUID();

    private APIGatewayV2HTTPResponse pending(String who) {
        return app.confirmTotp().handleRequest(Api.request("GET /2fa/totp/pending", who, null), null);
    }

    private static void assertWrongState(APIGatewayV2HTTPResponse response) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(409);
        assertThat(Api.problemType(response)).isEqualTo("urn:twofa:problem:wrong-state");
        assertThat(response.getBody()).doesNotContain("secret\"").doesNotContain("otpauth");
    }

    private Map<String, Object> activated() {
        String token = Enrollment.startAndReadToken(app, user);
        APIGatewayV2HTTPResponse activated = Enrollment.activate(app, user, token);
        assertThat(activated.getStatusCode()).as(activated.getBody()).isEqualTo(200);
        return Api.body(activated);
    }

    @Test
    void afterTheLinkWasOpened_theSameKeyAndQrCodeShowAgain_andTheFirstCodeStillTurnsItOn() {
        Map<String, Object> shown = activated();

        APIGatewayV2HTTPResponse again = pending(user);

        assertThat(again.getStatusCode()).as(again.getBody()).isEqualTo(200);
        assertThat(again.getHeaders()).containsEntry("Cache-Control", "no-store");
        Map<String, Object> body = Api.body(again);
        assertThat(body)
                .containsEntry("secret", shown.get("secret"))
                .containsEntry("otpauthUri", shown.get("otpauthUri"))
                .containsEntry("qrCodePng", shown.get("qrCodePng"));
        assertThat(Instant.parse((String) body.get("expiresAt")))
                .isEqualTo(app.clock
                        .instant()
                        .plus(TotpSettings.CONFIRMATION_WINDOW)
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        String secret = (String) body.get("secret");
        String code = IndependentTotp.code(secret, IndependentTotp.step(app.clock.instant()));
        assertThat(Enrollment.confirm(app, user, code).getStatusCode()).isEqualTo(200);
    }

    @Test
    void theLinkStaysSingleUse_whileTheSetupCanBeShownAgain() {
        String token = Enrollment.startAndReadToken(app, user);
        assertThat(Enrollment.activate(app, user, token).getStatusCode()).isEqualTo(200);
        assertThat(pending(user).getStatusCode()).isEqualTo(200);

        APIGatewayV2HTTPResponse reused = Enrollment.activate(app, user, token);

        assertThat(reused.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(reused)).isEqualTo("urn:twofa:problem:invalid-activation-link");
    }

    @Test
    void attacker_signedInAsAnotherUser_neverSeesTheVictimsSetup() {
        Map<String, Object> victims = activated();
        String attacker = "attacker-" + UUID.randomUUID();

        // The route takes no user from the request: only the token's sub counts.
        APIGatewayV2HTTPResponse asAttacker =
                app.confirmTotp().handleRequest(Api.request("GET /2fa/totp/pending", attacker, null), null);
        assertWrongState(asAttacker);
        assertThat(asAttacker.getBody()).doesNotContain((String) victims.get("secret"));
        // The attacker's own setup, once opened, is theirs, not the victim's.
        String attackersToken = Enrollment.startAndReadToken(app, attacker);
        assertThat(Enrollment.activate(app, attacker, attackersToken).getStatusCode())
                .isEqualTo(200);
        assertThat(Api.body(pending(attacker)).get("secret")).isNotEqualTo(victims.get("secret"));
        // Without a verified caller there is nobody to look up.
        assertThat(pending(null).getStatusCode()).isEqualTo(401);
    }

    @Test
    void beforeTheLinkIsOpened_thereIsNoKeyToShow() {
        Enrollment.startAndReadToken(app, user);
        assertWrongState(pending(user));
        assertWrongState(pending("nobody-" + UUID.randomUUID()));
    }

    @Test
    void onceConfirmed_theKeyIsNeverShownAgain() {
        Enrollment.enroll(app, user);
        assertWrongState(pending(user));
    }

    @Test
    void anExpiredSetup_isNotShown_evenBeforeTtlDeletesIt() {
        activated();
        app.clock.advance(TotpSettings.CONFIRMATION_WINDOW.minusSeconds(1));
        assertThat(pending(user).getStatusCode()).isEqualTo(200);
        app.clock.advance(java.time.Duration.ofSeconds(1));
        assertWrongState(pending(user));
    }

    @Test
    void aSetupTheAccountCouldNoLongerConfirm_isNotShown() {
        // Started with no factor; SMS came on since: confirming would be refused, so is showing.
        activated();
        app.clock.advance(java.time.Duration.ofSeconds(31));
        Sms.enable(app, user, Sms.uniqueDanishMobile());
        assertWrongState(pending(user));
    }
}
