package dev.twofa.it.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.localrun.LocalRunFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/openapi.yaml's request schemas are the contract of the server's validation, in both
 * directions: for every operation, bodies generated from valid bases by setting, adding or removing
 * one field at a time to boundary values (lengths at and past each limit, every character class a
 * pattern admits or refuses, other JSON types, null, unknown fields) and structural oddities
 * (trailing data, duplicate keys, no object) go to the local run. The schema (networknt's validator)
 * decides which are valid; the server must agree: a body the schema accepts is never answered
 * {@code invalid-request} (it may be a wrong code, a wrong state or a limit), and one it refuses is
 * always answered {@code invalid-request}, or {@code payload-too-large} when it is over 4096 bytes.
 * Every answer must be documented for its operation, too.
 */
class OpenApiRequestContractIT {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final OpenApi OPEN_API = OpenApi.ofRepo();
    private static final String INVALID_REQUEST = "urn:twofa:problem:invalid-request";
    private static final String PAYLOAD_TOO_LARGE = "urn:twofa:problem:payload-too-large";
    private static final String OPERATOR = "arn:aws:iam::000000000000:user/contract-test";
    private static final String EMOJI = "\ud83d\ude00";
    /** A null field is written as {@code null}, not left out. */
    private static final JSON WRITER = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);

    @RegisterExtension
    static final LocalRunFixture LOCAL = LocalRunFixture.withEnv(Map.of("SMS_SECONDS_BETWEEN_SENDS", "0"));

    /** An operation with a body: its fields and bodies its schema accepts, to vary one field at a time. */
    record Route(String method, String path, boolean operator, List<String> fields, List<Map<String, Object>> bases) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static Stream<Route> routes() {
        List<String> proof = List.of("code", "recoveryCode", "assertion");
        return Stream.of(
                new Route("POST", "/2fa/totp/enable", false, proof, List.of(Map.of(), Map.of("code", "123456"))),
                new Route(
                        "POST",
                        "/2fa/totp/activate",
                        false,
                        List.of("token"),
                        List.of(Map.of("token", "A".repeat(43)))),
                new Route("POST", "/2fa/totp/confirm", false, List.of("code"), List.of(Map.of("code", "123456"))),
                new Route(
                        "POST",
                        "/2fa/verify",
                        false,
                        List.of("code", "recoveryCode", "nonce"),
                        List.of(Map.of("code", "123456", "nonce", "n-1"), Map.of("recoveryCode", "K7QM-2XWD-9FHT"))),
                new Route(
                        "POST",
                        "/2fa/disable",
                        false,
                        proof,
                        List.of(
                                Map.of("code", "123456"),
                                Map.of("recoveryCode", "K7QM-2XWD-9FHT"),
                                Map.of("assertion", "a.b.c"))),
                new Route(
                        "POST",
                        "/2fa/recovery-codes/regenerate",
                        false,
                        proof,
                        List.of(Map.of("assertion", "a.b.c"), Map.of("recoveryCode", "k7qm 2xwd 9fht"))),
                new Route(
                        "POST",
                        "/2fa/sms/send",
                        false,
                        List.of("purpose", "phoneNumber", "code", "recoveryCode", "assertion"),
                        List.of(
                                Map.of("purpose", "enable", "phoneNumber", "+45 20 12 34 56"),
                                Map.of("purpose", "login"),
                                Map.of("purpose", "disable", "code", "123456"))),
                new Route(
                        "POST",
                        "/2fa/sms/confirm",
                        false,
                        List.of("purpose", "code", "nonce", "recoveryCode", "assertion"),
                        List.of(
                                Map.of("purpose", "login", "code", "123456", "nonce", "n-1"),
                                Map.of("purpose", "disable", "recoveryCode", "K7QM-2XWD-9FHT"),
                                Map.of("purpose", "disable", "assertion", "a.b.c", "nonce", "n"))),
                new Route(
                        "POST",
                        "/operator/support-reset",
                        true,
                        List.of("userId", "reason", "ticketId"),
                        List.of(Map.of("userId", "nobody-" + UUID.randomUUID(), "reason", "r", "ticketId", "T-1"))),
                new Route(
                        "PUT",
                        "/operator/org-policy",
                        true,
                        List.of("orgId", "mfaRequired", "reason"),
                        List.of(
                                Map.of("orgId", "acme", "mfaRequired", true, "reason", "r"),
                                Map.of("orgId", "o", "mfaRequired", false))));
    }

    /** Boundary values for any field: the schema says which are valid for which field. */
    static List<Object> candidates() {
        List<Object> values = new ArrayList<>(List.of(
                // six-digit codes: ASCII spaces anywhere, nothing else; 16 characters at most
                "123456",
                " 123 456 ",
                "1 2 3 4 5 6",
                "12345",
                "1234567",
                "12345a",
                "\u0661\u0662\u0663\u0664\u0665\u0666",
                "123\t456",
                "123\u00a0456",
                "123456\n",
                "123456\u0000",
                "\uff11\uff12\uff13\uff14\uff15\uff16",
                " ".repeat(5) + "123456" + " ".repeat(5),
                " ".repeat(6) + "123456" + " ".repeat(5),
                // recovery codes: Crockford base 32 either case, O/I/L read as digits, spaces and hyphens only
                "K7QM-2XWD-9FHT",
                "k7qm 2xwd 9fht",
                "OILO-2XWD-9FHT",
                "K7QM-2XWD-9FHU",
                "K7QM-2XWD-9FH",
                "K7QM-2XWD-9FHTX",
                "K7QM\u20102XWD\u20109FHT",
                "K7QM-2XWD-9FHT\u0000",
                "K7QM\t2XWD9FHT",
                "\uff2b7QM-2XWD-9FHT",
                "K7QM-2XWD-9FHT" + "-".repeat(18),
                "K7QM-2XWD-9FHT" + "-".repeat(19),
                // nonces: 1 to 128 visible ASCII characters
                "n",
                "~".repeat(128),
                "~".repeat(129),
                "a b",
                "\u00e9",
                "\u007f",
                // activation tokens: 43 base64url characters
                "A".repeat(43),
                "A".repeat(42),
                "A".repeat(44),
                "A".repeat(42) + "+",
                "A".repeat(42) + "=",
                // lengths in characters (code points), at and past 64, 500 and 2048
                "x".repeat(64),
                "x".repeat(65),
                EMOJI.repeat(64),
                EMOJI.repeat(65),
                "x".repeat(500),
                "x".repeat(501),
                EMOJI.repeat(500),
                EMOJI.repeat(501),
                "x".repeat(2048),
                "x".repeat(2049),
                "a.b.c",
                "+45 20 12 34 56",
                // free text: blank as Java's String.isBlank sees it, or not
                "",
                " ",
                "\t\n",
                "a",
                " a ",
                "\u00a0",
                "\u2007",
                "\u202f",
                "\u2003",
                "\u3000",
                "\u0085",
                "\u001c",
                // purposes
                "enable",
                "login",
                "disable",
                "Enable",
                " login"));
        values.addAll(List.of(123456, 1.5, true, false, List.of(), Map.of()));
        values.add(null);
        return values;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void schemaAndServer_agreeOnEveryGeneratedBody(Route route) {
        String token = token();
        List<String> bodies = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Map<String, Object> base : route.bases()) {
            bodies.add(json(base));
            for (String field : route.fields()) {
                Map<String, Object> without = new LinkedHashMap<>(base);
                without.remove(field);
                bodies.add(json(without));
                for (Object value : candidates()) {
                    Map<String, Object> body = new LinkedHashMap<>(base);
                    body.put(field, value);
                    bodies.add(json(body));
                }
            }
            Map<String, Object> unknown = new LinkedHashMap<>(base);
            unknown.put("extra", "x");
            bodies.add(json(unknown));
            String text = json(base);
            bodies.add(text + "x");
            bodies.add(text + text);
            bodies.add(text + " // comment");
            bodies.add(text + " \n");
            if (!base.isEmpty()) {
                String first = text.substring(1, text.indexOf(',') > 0 ? text.indexOf(',') : text.length() - 1);
                bodies.add("{" + first + "," + text.substring(1));
            }
        }
        bodies.addAll(List.of("[]", "1", "\"x\"", "null", "{", "{\"a\":1", ""));

        List<String> disagreements = new ArrayList<>();
        int valid = 0;
        int invalid = 0;
        for (String body : bodies) {
            if (!seen.add(body)) {
                continue;
            }
            boolean schemaValid = requestViolations(route, body).isEmpty();
            Givens.Reply reply = send(route, token, body);
            List<String> undocumented = OPEN_API.violations(route.method(), route.path(), reply);
            String type = reply.status() >= 400 && reply.body().startsWith("{")
                    ? String.valueOf(reply.json().get("type"))
                    : "";
            boolean oversized = body.getBytes(StandardCharsets.UTF_8).length > 4096;
            if (schemaValid) {
                valid++;
                boolean fine = oversized ? PAYLOAD_TOO_LARGE.equals(type) : !INVALID_REQUEST.equals(type);
                if (!fine) {
                    disagreements.add("schema accepts, server refused " + reply.status() + " " + reply.body()
                            + "\n    body: " + abbreviate(body));
                }
            } else {
                invalid++;
                boolean fine = oversized ? PAYLOAD_TOO_LARGE.equals(type) : INVALID_REQUEST.equals(type);
                if (!fine) {
                    disagreements.add("schema refuses (" + requestViolations(route, body) + "), server answered "
                            + reply.status() + " " + abbreviate(reply.body()) + "\n    body: " + abbreviate(body));
                }
            }
            undocumented.forEach(
                    u -> disagreements.add("undocumented answer: " + u + "\n    body: " + abbreviate(body)));
        }
        System.out.printf("%s: %d bodies the schema accepts, %d it refuses%n", route, valid, invalid);
        assertThat(disagreements).as(route + ": schema and server disagree").isEmpty();
        assertThat(valid).as("bodies the schema accepts").isGreaterThanOrEqualTo(2);
        assertThat(invalid).as("bodies the schema refuses").isGreaterThan(50);
    }

    @Test
    void activityLimit_schemaAndServer_agree() {
        String token = token();
        String pointer = "/paths/" + OpenApi.escape("/2fa/activity") + "/get/parameters/0/schema";
        List<String> disagreements = new ArrayList<>();
        for (String limit : List.of(
                "1",
                "20",
                "50",
                "0",
                "51",
                "",
                "abc",
                "5.5",
                "-1",
                "007",
                "+5",
                " 5",
                "1e1",
                "1000000",
                "99999999999")) {
            // A query value is text; the schema's integer is its JSON reading when it is one.
            boolean schemaValid = limit.matches("-?(0|[1-9][0-9]*)")
                    && OPEN_API.schemaViolations(pointer, limit).isEmpty();
            Givens.Reply reply = sendRaw(HttpRequest.newBuilder(URI.create(LOCAL.baseUrl() + "/2fa/activity?limit="
                            + URLEncoder.encode(limit, StandardCharsets.UTF_8)))
                    .header("Authorization", "Bearer " + token)
                    .GET());
            boolean refused =
                    reply.status() == 400 && INVALID_REQUEST.equals(reply.json().get("type"));
            if (schemaValid == refused) {
                disagreements.add("limit=" + limit + ": schema " + (schemaValid ? "accepts" : "refuses")
                        + ", server answered " + reply.status() + " " + reply.body());
            }
            disagreements.addAll(OPEN_API.violations("GET", "/2fa/activity", reply));
        }
        assertThat(disagreements).isEmpty();
    }

    /**
     * OperatorText's pattern ("not only white space") against the server's String.isBlank, for
     * every character of the Basic Multilingual Plane but the surrogates.
     */
    @Test
    void operatorTextPattern_isJavasIsBlank_forEveryCharacter() {
        List<String> disagreements = new ArrayList<>();
        for (int c = 0; c <= 0xFFFF; c++) {
            if (Character.isSurrogate((char) c)) {
                continue;
            }
            String text = String.valueOf((char) c);
            boolean schemaValid = OPEN_API.schemaViolations("/components/schemas/OperatorText", json(text))
                    .isEmpty();
            if (schemaValid == text.isBlank()) {
                disagreements.add(String.format("U+%04X: schema %s, isBlank %s", c, schemaValid, text.isBlank()));
            }
        }
        assertThat(disagreements).isEmpty();
    }

    private static List<String> requestViolations(Route route, String body) {
        if (body.isEmpty()) {
            return OPEN_API.requestViolations(route.method(), route.path(), null);
        }
        try {
            // Exactly one JSON value: trailing data or a duplicate key is not a JSON object for the schema.
            JSON.std.with(JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS).anyFrom(body);
            if (!strictlyOneValue(body)) {
                return List.of("not exactly one JSON value");
            }
        } catch (IOException | RuntimeException e) {
            return List.of("not JSON: " + e.getMessage());
        }
        return OPEN_API.requestViolations(route.method(), route.path(), body);
    }

    private static boolean strictlyOneValue(String body) {
        try (var parser = JSON.std.createParser(body)) {
            JSON.std.anyFrom(parser);
            return parser.nextToken() == null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static Givens.Reply send(Route route, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(LOCAL.baseUrl() + route.path()))
                .header("Content-Type", "application/json")
                .method(
                        route.method(),
                        body.isEmpty()
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (route.operator()) {
            request.header("X-Twofa-Dev-Caller-Arn", OPERATOR);
        } else {
            request.header("Authorization", "Bearer " + token);
        }
        return sendRaw(request);
    }

    private static Givens.Reply sendRaw(HttpRequest.Builder request) {
        return Givens.Reply.send(HTTP, request);
    }

    /** A fresh user (no factor), so no state or limit of an earlier case answers first. */
    private static String token() {
        String sub = "contract-" + UUID.randomUUID();
        Givens.Reply reply = sendRaw(HttpRequest.newBuilder(LOCAL.baseUrl().resolve("/dev/token"))
                .POST(HttpRequest.BodyPublishers.ofString(json(Map.of("sub", sub, "email", sub + "@example.com")))));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return (String) reply.json().get("token");
    }

    private static String json(Object value) {
        try {
            return WRITER.asString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "... (" + text.length() + " chars)" : text;
    }
}
