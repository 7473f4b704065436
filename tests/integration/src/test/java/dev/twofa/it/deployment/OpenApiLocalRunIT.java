package dev.twofa.it.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.localrun.LocalRun;
import dev.twofa.localrun.LocalRunFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/openapi.yaml against the local run (tools/local-run, started in this JVM from template.yaml):
 * every events/ scenario replayed over HTTP, as a browser would send it (its method, path and body,
 * with a bearer token for its user) or, on an operator route, as a signed operator request (the
 * local run's dev-only caller header standing in for SigV4), after preparing its state over HTTP
 * too. Every response - status, content type, required headers, body - must be one the description
 * allows.
 */
class OpenApiLocalRunIT {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern TOKEN = Pattern.compile("#token=([A-Za-z0-9_-]+)");
    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
    private static final OpenApi OPEN_API = OpenApi.ofRepo();

    @RegisterExtension
    static final LocalRunFixture LOCAL = LocalRunFixture.withEnv(
            // Scenarios send several SMS to one user in a row; the spacing is proven elsewhere.
            Map.of("SMS_SECONDS_BETWEEN_SENDS", "0"));

    static Stream<Scenarios.Scenario> scenarios() {
        return Scenarios.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    @SuppressWarnings("unchecked")
    void localRunResponse_isDescribedByOpenApi(Scenarios.Scenario scenario) throws IOException {
        Map<String, Object> event = Scenarios.event(scenario);
        Map<String, Object> context = (Map<String, Object>) event.get("requestContext");
        Map<String, Object> authorizer = (Map<String, Object>) context.getOrDefault("authorizer", Map.of());
        boolean operatorRoute = scenario.route().orElseThrow().iam();
        String body = (String) event.get("body");
        String email = "user@example.com";
        String sub = null;
        String callerArn = null;
        if (operatorRoute) {
            // The user the body names, under a name of its own in this shared run (as below).
            Map<String, Object> fields = new LinkedHashMap<>(JSON.std.mapFrom(body));
            if (fields.get("userId") instanceof String userId) {
                sub = userId + "-" + UUID.randomUUID();
                fields.put("userId", sub);
                body = JSON.std.asString(fields);
            }
            if (authorizer.get("iam") instanceof Map<?, ?> iam) {
                callerArn = (String) iam.get("userArn");
            }
        } else if (authorizer.get("jwt") instanceof Map<?, ?> jwt) {
            Map<String, String> claims = (Map<String, String>) jwt.get("claims");
            email = claims.get("email");
            // One shared local run: a user of its own per scenario keeps their states apart.
            sub = claims.get("sub") + "-" + UUID.randomUUID();
        }
        String token = sub == null ? null : devToken(sub, email);
        Map<String, String> values = Givens.prepare(scenario.given(), new HttpApi(token, email, null));

        if (!scenario.fill().isEmpty()) {
            Map<String, Object> fields = new LinkedHashMap<>(JSON.std.mapFrom(body));
            scenario.fill().forEach(field -> Scenarios.put(fields, field, values.get(field)));
            body = JSON.std.asString(fields);
        }
        String[] route = ((String) event.get("routeKey")).split(" ", 2);
        String query = (String) event.getOrDefault("rawQueryString", "");
        // An operator request carries the caller only; a user's token never reaches an operator route.
        HttpApi api = operatorRoute ? new HttpApi(null, email, callerArn) : new HttpApi(token, email, null);
        Givens.Reply reply = api.call(route[0], route[1] + (query.isEmpty() ? "" : "?" + query), body);

        // An operator event without an IAM caller (a user's token at most) is refused by API Gateway's
        // IAM authorizer with 403 before the function runs; EventsInvokeIT shows the function's own 401.
        int expected = operatorRoute && callerArn == null ? 403 : scenario.status();
        assertThat(reply.status())
                .as("%s over HTTP: %s", scenario, reply.body())
                .isEqualTo(expected);
        if (scenario.type() != null && reply.header("Content-Type").startsWith("application/problem+json")) {
            assertThat(reply.json().get("type")).isEqualTo("urn:twofa:problem:" + scenario.type());
            if (scenario.field() != null) {
                assertThat(reply.json().get("field")).isEqualTo(scenario.field());
            }
        }
        assertThat(OPEN_API.violations(route[0], route[1], reply))
                .as("%s: %d %s %s", scenario, reply.status(), reply.header("Content-Type"), reply.body())
                .isEmpty();
    }

    /**
     * The routes template.yaml opens ({@code Auth: {Authorizer: NONE}}: the JWKS an app's backend
     * fetches) answer without a token, with a body docs/openapi.yaml describes; every other route
     * refuses a request without one, as API Gateway's authorizers do: 401 from the JWT authorizer,
     * 403 from the IAM one (the operator routes).
     */
    @Test
    @SuppressWarnings("unchecked")
    void openRoutes_answerWithoutAToken_andEveryOtherRoute_refusesOne() {
        List<SamTemplate.Route> open = new ArrayList<>();
        for (SamTemplate.Function f : SamTemplate.ofRepo().functions()) {
            for (SamTemplate.Route r : f.routes()) {
                Givens.Reply reply = new HttpApi(null, null, null).call(r.method(), r.path(), null);
                if (r.authorized()) {
                    assertThat(reply.status())
                            .as("%s without a token", r.routeKey())
                            .isEqualTo(r.iam() ? 403 : 401);
                    assertThat(OPEN_API.violations(r.method(), r.path(), reply))
                            .as("%s: %s", r.routeKey(), reply.body())
                            .isEmpty();
                    continue;
                }
                open.add(r);
                assertThat(reply.status())
                        .as("%s without a token: %s", r.routeKey(), reply.body())
                        .isEqualTo(200);
                assertThat(OPEN_API.violations(r.method(), r.path(), reply))
                        .as("%s: %s", r.routeKey(), reply.body())
                        .isEmpty();
            }
        }
        assertThat(open).extracting(SamTemplate.Route::routeKey).contains("GET /.well-known/jwks.json");
        // The JWKS is the local run's assertion key: the same key every time, one P-256 key.
        Givens.Reply first = new HttpApi(null, null, null).call("GET", "/.well-known/jwks.json", null);
        Givens.Reply second = new HttpApi(null, null, null).call("GET", "/.well-known/jwks.json", null);
        List<Map<String, Object>> keys =
                (List<Map<String, Object>>) first.json().get("keys");
        assertThat(keys).singleElement().satisfies(k -> assertThat(k)
                .containsEntry("kty", "EC")
                .containsEntry("crv", "P-256")
                .containsEntry("alg", "ES256"));
        assertThat(second.body()).isEqualTo(first.body());
    }

    private static String devToken(String sub, String email) {
        Givens.Reply reply = send(HttpRequest.newBuilder(LOCAL.baseUrl().resolve("/dev/token"))
                .POST(HttpRequest.BodyPublishers.ofString(Givens.json(Map.of("sub", sub, "email", email)))));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return (String) reply.json().get("token");
    }

    private static Givens.Reply send(HttpRequest.Builder request) {
        return Givens.Reply.send(HTTP, request);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> outbox() {
        try {
            return (List<Map<String, Object>>) (List<?>) JSON.std.listFrom(
                    send(HttpRequest.newBuilder(LOCAL.baseUrl().resolve("/dev/outbox"))
                                    .GET())
                            .body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The local run over HTTP, as one signed-in user, or as an operator: {@code callerArn} goes in
     * the local run's dev-only stand-in for a SigV4 signature.
     */
    private record HttpApi(String token, String email, String callerArn) implements Givens.Driver {
        @Override
        public Givens.Reply call(String method, String path, String body) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(LOCAL.baseUrl() + path))
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            if (callerArn != null) {
                request.header(LocalRun.DEV_CALLER_ARN_HEADER, callerArn);
            }
            return send(request);
        }

        @Override
        public String activationToken() {
            for (Map<String, Object> message : outbox()) {
                if (email.equals(message.get("to"))
                        && String.valueOf(message.get("subject")).startsWith("Activate")) {
                    Matcher m = TOKEN.matcher((String) message.get("body"));
                    assertThat(m.find()).isTrue();
                    return m.group(1);
                }
            }
            throw new AssertionError("no activation email to " + email + " in the outbox");
        }

        @Override
        public String smsCode(String e164) {
            for (Map<String, Object> message : outbox()) {
                if ("sms".equals(message.get("channel")) && e164.equals(message.get("to"))) {
                    Matcher m = CODE.matcher((String) message.get("body"));
                    assertThat(m.find()).isTrue();
                    return m.group(1);
                }
            }
            throw new AssertionError("no SMS to " + e164 + " in the outbox");
        }

        @Override
        public void nextSmsWindow() {
            // SMS_SECONDS_BETWEEN_SENDS=0 for this run.
        }

        @Override
        public Instant now() {
            return Instant.now();
        }

        /** The local run serves the web app and the API on one http origin: its base URL. */
        @Override
        public String webOrigin(String rpId) {
            URI base = LOCAL.baseUrl();
            return base.getScheme() + "://" + base.getHost() + ":" + base.getPort();
        }
    }
}
