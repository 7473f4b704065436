package dev.twofa.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Drives the enable flow through the handlers, reading the activation link from the SES emulator. */
public final class Enrollment {
    private static final Pattern TOKEN = Pattern.compile("#token=([A-Za-z0-9_-]+)");

    public record Enrolled(String userId, String secret, long enrollmentStep, List<String> recoveryCodes) {}

    private Enrollment() {}

    public static String startAndReadToken(TestApp app, String userId) {
        APIGatewayV2HTTPResponse started =
                app.startEnable().handleRequest(Api.request("POST /2fa/totp/enable", userId, null), null);
        assertThat(started.getStatusCode()).as(started.getBody()).isEqualTo(202);
        return latestToken(userId);
    }

    public static String latestToken(String userId) {
        String body = lastActivationEmailTo(Api.emailOf(userId));
        assertThat(body).contains(TestApp.APP_BASE_URL + "/activate#token=");
        return tokenIn(body);
    }

    /** The token in the activation link of the last activation email the SES emulator holds for {@code email}. */
    public static String activationTokenSentTo(String email) {
        return tokenIn(lastActivationEmailTo(email));
    }

    private static String tokenIn(String body) {
        Matcher m = TOKEN.matcher(body);
        if (!m.find()) {
            throw new AssertionError("no activation link in " + body);
        }
        return m.group(1);
    }

    private static String lastActivationEmailTo(String email) {
        return Emulators.sentEmailsTo(email).stream()
                .filter(e -> e.subject().startsWith("Activate"))
                .reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError("no activation email to " + email))
                .body();
    }

    public static APIGatewayV2HTTPResponse activate(TestApp app, String userId, String token) {
        return app.activateLink()
                .handleRequest(Api.request("POST /2fa/totp/activate", userId, Api.json(Map.of("token", token))), null);
    }

    public static APIGatewayV2HTTPResponse confirm(TestApp app, String userId, String code) {
        return app.confirmTotp()
                .handleRequest(Api.request("POST /2fa/totp/confirm", userId, Api.json(Map.of("code", code))), null);
    }

    @SuppressWarnings("unchecked")
    public static Enrolled enroll(TestApp app, String userId) {
        String token = startAndReadToken(app, userId);
        APIGatewayV2HTTPResponse activated = activate(app, userId, token);
        assertThat(activated.getStatusCode()).as(activated.getBody()).isEqualTo(200);
        String secret = (String) Api.body(activated).get("secret");
        long step = IndependentTotp.step(app.clock.instant());
        APIGatewayV2HTTPResponse confirmed = confirm(app, userId, IndependentTotp.code(secret, step));
        assertThat(confirmed.getStatusCode()).as(confirmed.getBody()).isEqualTo(200);
        List<String> codes = (List<String>) Api.body(confirmed).get("recoveryCodes");
        return new Enrolled(userId, secret, step, codes);
    }

    public static APIGatewayV2HTTPResponse verify(TestApp app, String userId, String field, String value) {
        return app.verifyLogin()
                .handleRequest(Api.request("POST /2fa/verify", userId, Api.json(Map.of(field, value))), null);
    }

    public static APIGatewayV2HTTPResponse disable(TestApp app, String userId, String field, String value) {
        return app.disable()
                .handleRequest(Api.request("POST /2fa/disable", userId, Api.json(Map.of(field, value))), null);
    }

    public static Map<String, Object> status(TestApp app, String userId) {
        APIGatewayV2HTTPResponse response =
                app.status().handleRequest(Api.request("GET /2fa/status", userId, null), null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return Api.body(response);
    }
}
