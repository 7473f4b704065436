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
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route template.yaml declares is served by its own function, behind the JWT authorizer unless
 * the route opts out ({@code Auth: {Authorizer: NONE}}).
 */
class TemplateRoutesServedTest {
    @TempDir
    static Path keyDir;

    private static LocalRun run;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        run = LocalRun.start(LocalRun.Options.defaults()
                .withPort(0)
                .withTemplate(TemplateRoutesTest.repoTemplate())
                .withKeyFile(keyDir.resolve("secret.key")));
    }

    @AfterAll
    static void stop() {
        run.close();
    }

    @Test
    void everyTemplateRoute_isServedByItsHandler_onlyWithAValidToken_unlessOpen() throws Exception {
        List<TemplateRoutes.Route> declared = TemplateRoutes.read(TemplateRoutesTest.repoTemplate());
        String token = devToken("served-test-user");
        assertThat(run.routes()).isEqualTo(declared);

        for (TemplateRoutes.Route route : declared) {
            HttpResponse<String> anonymous = send(route.method(), route.path(), null, "{}");
            HttpResponse<String> signedIn = send(route.method(), route.path(), token, "{}");

            if (route.authorized()) {
                assertThat(anonymous.statusCode())
                        .as(route.routeKey() + " without token")
                        .isEqualTo(401);
                assertThat(anonymous.body()).isEqualTo("{\"message\":\"Unauthorized\"}");
            } else {
                // Auth: {Authorizer: NONE} (the JWKS): API Gateway calls the function without a token.
                assertThat(anonymous.statusCode())
                        .as(route.routeKey() + " without token")
                        .isEqualTo(200);
            }
            // The shared HTTP mapping (dev.twofa.http.Http) sets nosniff on every answer: the
            // function ran, not the local router.
            assertThat(signedIn.statusCode()).as(route.routeKey()).isNotIn(401, 404, 500);
            assertThat(signedIn.headers().firstValue("x-content-type-options"))
                    .as(route.routeKey())
                    .contains("nosniff");
        }
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
        String foreign = new LocalJwt(run.baseUrl() + "/dev", new SecureRandom(), Clock.systemUTC())
                .issue("served-test-user", null);

        assertThat(sendWithAuthorization("Basic " + token).statusCode()).isEqualTo(401);
        assertThat(sendWithAuthorization("Bearer " + foreign).statusCode()).isEqualTo(401);
        assertThat(sendWithAuthorization("Bearer " + token + "x").statusCode()).isEqualTo(401);
        assertThat(sendWithAuthorization("Bearer " + token).statusCode()).isEqualTo(200);
    }

    @Test
    void devEndpoints_refuseForeignHostHeader_againstDnsRebinding() throws Exception {
        assertThat(statusLineWithHost("POST /dev/token", "evil.example:" + run.port(), "{\"sub\":\"x\"}"))
                .contains(" 403 ");
        assertThat(statusLineWithHost("GET /dev/outbox", "evil.example", "")).contains(" 403 ");
        assertThat(statusLineWithHost("GET /dev/outbox", "localhost:" + run.port(), ""))
                .contains(" 200 ");
    }

    /** java.net.http will not send a foreign Host header, so this one speaks HTTP/1.1 itself. */
    private static String statusLineWithHost(String requestLine, String host, String body) throws IOException {
        try (var socket = new Socket("127.0.0.1", run.port())) {
            socket.setSoTimeout(5_000);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String head = requestLine + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
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
                HttpRequest.newBuilder(run.baseUrl().resolve("/2fa/status"))
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
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(run.baseUrl() + path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
