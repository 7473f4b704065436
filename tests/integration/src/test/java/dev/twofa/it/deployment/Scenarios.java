package dev.twofa.it.deployment;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * events/: one API Gateway HTTP API (payload 2.0) event per function and scenario, named {@code
 * <module>-<scenario>.json} after the function's CodeUri module, and events/scenarios.json, which says
 * for each file what it should get and from which state:
 *
 * <pre>
 * "verify-login-ok.json": { "status": 200, "given": "totp-enabled", "fill": ["code"] }
 * "support-reset-bad-input.json": { "status": 400, "type": "invalid-request", "field": "ticketId" }
 * </pre>
 *
 * {@code status} is the expected HTTP status, {@code type} the problem type (without the {@code
 * urn:twofa:problem:} prefix) for an error, {@code field} optionally the field it names. {@code
 * given} is a state {@link Givens} prepares first for the event's user: its {@code sub} claim, or on
 * an operator route (AWS_IAM) the user its body names ({@code userId}). {@code fill} names the body
 * fields whose value only that state can know (the current TOTP code, an SMS code, an activation
 * token): the test puts the live value in, as a tester replaces it before {@code sam local invoke}.
 * Everything else is used as the file says.
 */
public final class Scenarios {
    static final String INDEX = "scenarios.json";

    private static final Set<String> KEYS = Set.of("status", "type", "field", "given", "fill");

    public record Scenario(
            String file,
            SamTemplate.Function function,
            int status,
            String type,
            String field,
            String given,
            List<String> fill) {
        Path path() {
            return Repo.root().resolve("events").resolve(file);
        }

        /** The function did what was asked: a 2xx. */
        boolean succeeds() {
            return status / 100 == 2;
        }

        /** The caller sent something the function refuses: a 4xx. */
        boolean refusesInput() {
            return status / 100 == 4;
        }

        /** The template route the event is for (its routeKey). */
        public Optional<SamTemplate.Route> route() {
            Object routeKey = event(this).get("routeKey");
            return function.routes().stream()
                    .filter(r -> r.routeKey().equals(routeKey))
                    .findFirst();
        }

        @Override
        public String toString() {
            return file;
        }
    }

    private Scenarios() {}

    static Map<String, Object> index() {
        try {
            return JSON.std.mapFrom(Repo.read(Repo.root().resolve("events").resolve(INDEX)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The function an event file belongs to: the longest module name that prefixes the file name. */
    static Optional<SamTemplate.Function> functionOf(String file, List<SamTemplate.Function> functions) {
        return functions.stream()
                .filter(f -> file.startsWith(f.module() + "-"))
                .max(Comparator.comparingInt(f -> f.module().length()));
    }

    public static List<Scenario> all() {
        List<SamTemplate.Function> functions = SamTemplate.ofRepo().functions();
        Map<String, Object> index = index();
        return Repo.eventFiles().stream()
                .map(p -> p.getFileName().toString())
                .map(file -> {
                    SamTemplate.Function function = functionOf(file, functions)
                            .orElseThrow(() -> new AssertionError("events/" + file
                                    + " names no function of template.yaml (<module>-<scenario>.json)"));
                    return parse(file, function, index.get(file));
                })
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static Scenario parse(String file, SamTemplate.Function function, Object value) {
        if (value == null) {
            throw new AssertionError("events/" + file + " has no entry in events/" + INDEX);
        }
        Map<String, Object> entry = (Map<String, Object>) value;
        List<String> problems = new ArrayList<>();
        entry.keySet().stream()
                .filter(k -> !KEYS.contains(k))
                .forEach(k -> problems.add("unknown key \"" + k + "\" (known: " + KEYS + ")"));
        if (!(entry.get("status") instanceof Number)) {
            problems.add("a scenario needs \"status\"");
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("events/" + INDEX + ", " + file + ": " + problems);
        }
        return new Scenario(
                file,
                function,
                ((Number) entry.get("status")).intValue(),
                (String) entry.get("type"),
                (String) entry.get("field"),
                (String) entry.get("given"),
                (List<String>) entry.getOrDefault("fill", List.of()));
    }

    public static Map<String, Object> event(Scenario scenario) {
        try {
            return JSON.std.mapFrom(Repo.read(scenario.path()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The verified JWT claims an API event carries; {@code sub: anonymous} when it has none. */
    @SuppressWarnings("unchecked")
    public static Map<String, String> claimsOf(Map<String, Object> event) {
        Map<String, Object> context = (Map<String, Object>) event.get("requestContext");
        Object authorizer = context == null ? null : context.get("authorizer");
        if (!(authorizer instanceof Map<?, ?> a) || !(a.get("jwt") instanceof Map<?, ?> jwt)) {
            return Map.of("sub", "anonymous");
        }
        return (Map<String, String>) jwt.get("claims");
    }

    /** Puts the live values of the prepared state into the body fields the scenario names. */
    public static void fill(Scenario scenario, Map<String, Object> event, Map<String, String> values) {
        if (scenario.fill().isEmpty()) {
            return;
        }
        try {
            Map<String, Object> body = new java.util.LinkedHashMap<>(JSON.std.mapFrom((String) event.get("body")));
            for (String field : scenario.fill()) {
                org.assertj.core.api.Assertions.assertThat(values)
                        .as("%s fills %s, which given %s does not provide", scenario, field, scenario.given())
                        .containsKey(field);
                org.assertj.core.api.Assertions.assertThat(put(body, field, values.get(field)))
                        .as("%s fills %s, which its body lacks", scenario, field)
                        .isTrue();
            }
            event.put("body", JSON.std.asString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sets the body field {@code field} to {@code value}; a dotted name ({@code device.id}) names a
     * field of an object field. False when the body lacks it (a scenario naming a field its event has not).
     */
    @SuppressWarnings("unchecked")
    public static boolean put(Map<String, Object> body, String field, String value) {
        int dot = field.indexOf('.');
        if (dot < 0) {
            return body.put(field, value) != null;
        }
        if (!(body.get(field.substring(0, dot)) instanceof Map<?, ?> inner)) {
            return false;
        }
        Map<String, Object> copy = new java.util.LinkedHashMap<>((Map<String, Object>) inner);
        body.put(field.substring(0, dot), copy);
        return put(copy, field.substring(dot + 1), value);
    }

    /**
     * What every tier checks of a scenario's answer: its status, problem type and field, and the
     * response against docs/openapi.yaml for the route it was sent to.
     */
    public static void assertAnswered(
            Scenario scenario, Givens.Reply reply, OpenApi openApi, String method, String path) {
        org.assertj.core.api.Assertions.assertThat(reply.status())
                .as("%s answered %s", scenario, reply.body())
                .isEqualTo(scenario.status());
        if (scenario.type() != null) {
            org.assertj.core.api.Assertions.assertThat(reply.json().get("type"))
                    .as(reply.body())
                    .isEqualTo("urn:twofa:problem:" + scenario.type());
        }
        if (scenario.field() != null) {
            org.assertj.core.api.Assertions.assertThat(reply.json().get("field"))
                    .as(reply.body())
                    .isEqualTo(scenario.field());
        }
        org.assertj.core.api.Assertions.assertThat(openApi.violations(method, path, reply))
                .as("%s: the response against docs/openapi.yaml", scenario)
                .isEmpty();
    }
}
