package dev.twofa.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What API Gateway answers itself, before any function runs, and the local run the same way
 * (docs/openapi.yaml documents both): the JWT authorizer's 401 {@code {"message":"Unauthorized"}}
 * for a missing, malformed or foreign token, and 413 {@code {"message":"Request Entity Too
 * Large"}} for a body over the HTTP API payload limit (10 MB). A smaller body over the function's own
 * 4096 bytes reaches the function, which answers 413 {@code payload-too-large} as problem+json.
 * (A function's answer carries {@code X-Content-Type-Options: nosniff}; the gateway's does not.)
 */
class GatewayAnswersServedTest {
    private static final String UNAUTHORIZED = "{\"message\":\"Unauthorized\"}";
    private static final String TOO_LARGE = "{\"message\":\"Request Entity Too Large\"}";

    @RegisterExtension
    static final LocalRunFixture LOCAL = LocalRunFixture.withDefaults();

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void noOrBadToken_getsTheJwtAuthorizers401_onEveryUserRoute_andNoFunctionRuns() throws Exception {
        String token = devToken();
        String foreign = new LocalJwt(LOCAL.baseUrl() + "/dev", new SecureRandom(), Clock.systemUTC())
                .issue("gateway-test-user", null);
        List<String> authorizations = Arrays.asList(
                null,
                "",
                "Bearer",
                "Bearer ",
                "Basic " + token,
                "Bearer " + token + "x",
                "Bearer " + foreign,
                "Bearer a.b.c");
        List<TemplateRoutes.Route> userRoutes = LOCAL.run().routes().stream()
                .filter(r -> r.auth() == TemplateRoutes.Auth.JWT)
                .toList();
        assertThat(userRoutes).hasSizeGreaterThan(8);

        for (TemplateRoutes.Route route : userRoutes) {
            for (String authorization : authorizations) {
                HttpResponse<String> response = send(route.method(), route.path(), authorization, "{}");
                String as = route.routeKey() + " with Authorization: " + authorization;
                assertThat(response.statusCode()).as(as).isEqualTo(401);
                assertThat(response.body()).as(as).isEqualTo(UNAUTHORIZED);
                assertThat(response.headers().firstValue("content-type")).as(as).contains("application/json");
                assertThat(response.headers().firstValue("www-authenticate"))
                        .as(as)
                        .contains("Bearer");
                assertThat(response.headers().firstValue("x-content-type-options"))
                        .as(as)
                        .isEmpty();
            }
            assertThat(send(route.method(), route.path(), "Bearer " + token, "{}")
                            .statusCode())
                    .as(route.routeKey() + " with a valid token")
                    .isNotEqualTo(401);
        }
    }

    @Test
    void bodyOverApiGatewaysLimit_getsItsOwn413_beforeTheAuthorizer() throws Exception {
        String token = devToken();
        byte[] over = new byte[LocalApi.MAX_BODY_BYTES + 1];
        Arrays.fill(over, (byte) ' ');
        assertThat(LocalApi.MAX_BODY_BYTES).isEqualTo(10 * 1024 * 1024);

        List<String> seen = new ArrayList<>();
        for (String authorization : Arrays.asList("Bearer " + token, null)) {
            HttpResponse<String> response = send("POST", "/2fa/verify", authorization, over);
            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(response.body()).isEqualTo(TOO_LARGE);
            assertThat(response.headers().firstValue("content-type")).contains("application/json");
            assertThat(response.headers().firstValue("x-content-type-options")).isEmpty();
            seen.add(response.body());
        }
        assertThat(seen).hasSize(2);
    }

    @Test
    void bodyWithinApiGatewaysLimit_butOverTheFunctions_getsTheFunctions413Problem() throws Exception {
        String token = devToken();
        for (int size : List.of(4097, LocalApi.MAX_BODY_BYTES)) {
            byte[] body = body(size);
            HttpResponse<String> response = send("POST", "/2fa/verify", "Bearer " + token, body);
            assertThat(response.statusCode()).as("%d bytes", size).isEqualTo(413);
            assertThat(response.headers().firstValue("content-type")).contains("application/problem+json");
            assertThat(response.headers().firstValue("x-content-type-options")).contains("nosniff");
            assertThat(JSON.std.mapFrom(response.body()))
                    .containsEntry("type", "urn:twofa:problem:payload-too-large")
                    .containsEntry("status", 413);
        }
        // 4096 bytes are read: this one is a well-formed body with a code that is not one.
        HttpResponse<String> atLimit = send("POST", "/2fa/verify", "Bearer " + token, body(4096));
        assertThat(atLimit.statusCode()).isEqualTo(400);
        assertThat(JSON.std.mapFrom(atLimit.body())).containsEntry("type", "urn:twofa:problem:invalid-request");
    }

    /** {"code":"1      …"} of exactly {@code size} bytes. */
    private static byte[] body(int size) {
        String head = "{\"code\":\"1";
        String tail = "\"}";
        return (head + " ".repeat(size - head.length() - tail.length()) + tail).getBytes(StandardCharsets.US_ASCII);
    }

    private static String devToken() throws Exception {
        HttpResponse<String> response = send("POST", "/dev/token", null, "{\"sub\":\"gateway-test-user\"}");
        assertThat(response.statusCode()).isEqualTo(200);
        return (String) JSON.std.mapFrom(response.body()).get("token");
    }

    private static HttpResponse<String> send(String method, String path, String authorization, String body)
            throws Exception {
        return send(method, path, authorization, body.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> send(String method, String path, String authorization, byte[] body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(LOCAL.baseUrl() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
