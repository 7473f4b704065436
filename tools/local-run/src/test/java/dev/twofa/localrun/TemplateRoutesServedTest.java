package dev.twofa.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every route template.yaml declares is served by its own function, behind the JWT authorizer unless
 * the route opts out ({@code Auth: {Authorizer: NONE}}) or takes IAM callers ({@code AWS_IAM}: here
 * the dev-only caller header, never a user's token).
 */
class TemplateRoutesServedTest {
    @RegisterExtension
    static final LocalRunFixture LOCAL = LocalRunFixture.withDefaults();

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String OPERATOR =
            "arn:aws:sts::000000000000:assumed-role/twofa-local-SupportRole/dev@example.com";

    @Test
    void everyTemplateRoute_isServedByItsHandler_onlyWithAValidToken_unlessOpen() throws Exception {
        List<TemplateRoutes.Route> declared = TemplateRoutes.read(TemplateRoutesTest.repoTemplate());
        String token = devToken("served-test-user");
        assertThat(LOCAL.run().routes()).isEqualTo(declared);

        for (TemplateRoutes.Route route : declared) {
            HttpResponse<String> anonymous = send(route.method(), route.path(), null, "{}");
            HttpResponse<String> signedIn = send(route.method(), route.path(), token, "{}");
            HttpResponse<String> served = signedIn;

            switch (route.auth()) {
                case JWT -> {
                    assertThat(anonymous.statusCode())
                            .as(route.routeKey() + " without token")
                            .isEqualTo(401);
                    assertThat(anonymous.body()).isEqualTo("{\"message\":\"Unauthorized\"}");
                }
                case IAM -> {
                    // As API Gateway's IAM authorizer: no valid signature, no call; a user's token is none.
                    for (HttpResponse<String> refused : List.of(anonymous, signedIn)) {
                        assertThat(refused.statusCode()).as(route.routeKey()).isEqualTo(403);
                        assertThat(refused.body()).isEqualTo("{\"message\":\"Forbidden\"}");
                    }
                    served = send(route.method(), route.path(), null, "{}", OPERATOR);
                }
                // Auth: {Authorizer: NONE} (the JWKS): API Gateway calls the function without a token.
                case NONE ->
                    assertThat(anonymous.statusCode())
                            .as(route.routeKey() + " without token")
                            .isEqualTo(200);
            }
            // The shared HTTP mapping (dev.twofa.http.Http) sets nosniff on every answer: the
            // function ran, not the local router.
            assertThat(served.statusCode()).as(route.routeKey()).isNotIn(401, 403, 404, 500);
            assertThat(served.headers().firstValue("x-content-type-options"))
                    .as(route.routeKey())
                    .contains("nosniff");
        }
    }

    @Test
    void operatorRoute_getsTheDevCallerArn_asApiGatewaysIamAuthorizerWouldGiveIt() throws Exception {
        HttpResponse<String> response =
                send("PUT", "/operator/org-policy", null, "{\"orgId\":\"local-org\",\"mfaRequired\":true}", OPERATOR);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.std.mapFrom(response.body())).containsEntry("updatedBy", OPERATOR);
    }

    @Test
    void devCallerHeader_isRefused_whenNotAnIamArn_orFromAForeignHost() throws Exception {
        String body = "{\"orgId\":\"local-org\",\"mfaRequired\":false}";
        for (String notAnArn : List.of("", "alice", "arn:aws:iam::123:user/x", "arn:aws:s3:::bucket")) {
            assertThat(send("PUT", "/operator/org-policy", null, body, notAnArn).statusCode())
                    .as("caller \"%s\"", notAnArn)
                    .isEqualTo(403);
        }
        // DNS rebinding: a page whose name resolves to 127.0.0.1 must not act as an operator.
        assertThat(statusLineWithHost(
                        "PUT /operator/org-policy",
                        "evil.example:" + LOCAL.port(),
                        body,
                        LocalRun.DEV_CALLER_ARN_HEADER + ": " + OPERATOR))
                .contains(" 403 ");
    }

    @Test
    void unknownRoute_andWrongMethod_are404LikeApiGateway() throws Exception {
        String token = devToken("served-test-user");

        HttpResponse<String> unknown = send("GET", "/nope", token, null);
        HttpResponse<String> wrongMethod = send("DELETE", "/2fa/status", token, null);

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("{\"message\":\"Not Found\"}");
        assertThat(wrongMethod.statusCode()).isEqualTo(404);
    }

    @Test
    void devToken_rejectsMissingOrOverlongSub_asProblemJson() throws Exception {
        for (String body : List.of("{}", "{\"sub\":\"\"}", "{\"sub\":\"" + "x".repeat(129) + "\"}", "not json", "[]")) {
            HttpResponse<String> response = send("POST", "/dev/token", null, body);

            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(response.headers().firstValue("content-type")).contains("application/problem+json");
            assertThat(JSON.std.mapFrom(response.body())).containsEntry("type", "urn:twofa:problem:invalid-request");
        }
    }

    @Test
    void authorizer_rejectsTokensNotBearerOrNotIssuedByThisRun() throws Exception {
        String token = devToken("served-test-user");
        String foreign = new LocalJwt(LOCAL.baseUrl() + "/dev", new SecureRandom(), Clock.systemUTC())
                .issue("served-test-user", null);

        assertThat(sendWithAuthorization("Basic " + token).statusCode()).isEqualTo(401);
        assertThat(sendWithAuthorization("Bearer " + foreign).statusCode()).isEqualTo(401);
        assertThat(sendWithAuthorization("Bearer " + token + "x").statusCode()).isEqualTo(401);
        assertThat(sendWithAuthorization("Bearer " + token).statusCode()).isEqualTo(200);
    }

    @Test
    void devEndpoints_refuseForeignHostHeader_againstDnsRebinding() throws Exception {
        assertThat(statusLineWithHost("POST /dev/token", "evil.example:" + LOCAL.port(), "{\"sub\":\"x\"}", null))
                .contains(" 403 ");
        assertThat(statusLineWithHost("GET /dev/outbox", "evil.example", "", null))
                .contains(" 403 ");
        assertThat(statusLineWithHost("GET /dev/outbox", "localhost:" + LOCAL.port(), "", null))
                .contains(" 200 ");
    }

    /** java.net.http will not send a foreign Host header, so this one speaks HTTP/1.1 itself. */
    private static String statusLineWithHost(String requestLine, String host, String body, String extraHeader)
            throws IOException {
        try (var socket = new Socket("127.0.0.1", LOCAL.port())) {
            socket.setSoTimeout(5_000);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String head = requestLine + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
                    + (extraHeader == null ? "" : extraHeader + "\r\n")
                    + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }
    }

    private static HttpResponse<String> sendWithAuthorization(String authorization)
            throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(LOCAL.baseUrl().resolve("/2fa/status"))
                        .header("Authorization", authorization)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String devToken(String sub) throws IOException, InterruptedException {
        HttpResponse<String> response = send("POST", "/dev/token", null, JSON.std.asString(Map.of("sub", sub)));
        assertThat(response.statusCode()).isEqualTo(200);
        return (String) JSON.std.mapFrom(response.body()).get("token");
    }

    private static HttpResponse<String> send(String method, String path, String token, String body)
            throws IOException, InterruptedException {
        return send(method, path, token, body, null);
    }

    private static HttpResponse<String> send(String method, String path, String token, String body, String caller)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(LOCAL.baseUrl() + path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (caller != null) {
            request.header(LocalRun.DEV_CALLER_ARN_HEADER, caller);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
