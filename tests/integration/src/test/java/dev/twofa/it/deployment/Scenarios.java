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
 * events/: one event per function and scenario, named {@code <module>-<scenario>.json} after the
 * function's CodeUri module, and events/scenarios.json, which says for each file what it should get
 * and from which state:
 *
 * <pre>
 * "verify-login-ok.json": { "status": 200, "given": "totp-enabled", "fill": ["code"] }
 * "support-reset-bad-input.json": { "kind": "direct", "throws": "IllegalArgumentException" }
 * </pre>
 *
 * Two kinds. {@code http} (the default) is an API Gateway HTTP API (payload 2.0) event: {@code
 * status} is the expected HTTP status, {@code type} the problem type (without the {@code
 * urn:twofa:problem:} prefix) for an error, {@code field} optionally the field it names. {@code
 * direct} is the plain JSON object an operator invokes a function without a route with (IAM, {@code
 * sam remote invoke}): {@code result} holds entries the returned object must have, {@code throws}
 * the simple name of the exception the invocation fails with instead, and {@code operator} who
 * invokes (the client context's {@code custom.operator}).
 *
 * <p>For both, {@code given} is a state {@link Givens} prepares first for the event's user (its
 * {@code sub} claim, or a direct event's {@code userId}), and {@code fill} the body fields whose
 * value only that state can know (the current TOTP code, an SMS code, an activation token): the test
 * puts the live value in, as a tester replaces it before {@code sam local invoke}. Everything else
 * is used as the file says.
 */
final class Scenarios {
    static final String INDEX = "scenarios.json";

    /** How the event reaches its function. */
    enum Kind {
        /** Through API Gateway: a payload 2.0 event, answered with a status. */
        HTTP,
        /** Invoked with IAM, no route: a plain JSON object, answered with an object or an exception. */
        DIRECT
    }

    private static final Set<String> KEYS =
            Set.of("kind", "status", "type", "field", "given", "fill", "result", "throws", "operator");
    private static final Set<String> REFUSALS = Set.of("IllegalArgumentException", "IllegalStateException");

    record Scenario(
            String file,
            SamTemplate.Function function,
            Kind kind,
            int status,
            String type,
            String field,
            String given,
            List<String> fill,
            Map<String, Object> result,
            String throwsType,
            String operator) {
        Path path() {
            return Repo.root().resolve("events").resolve(file);
        }

        /** The function did what was asked: a 2xx, or a direct invocation that returned. */
        boolean succeeds() {
            return kind == Kind.HTTP ? status / 100 == 2 : throwsType == null;
        }

        /**
         * The caller sent something the function refuses: a 4xx, or a direct invocation failing
         * with IllegalArgumentException (a refused input).
         */
        boolean refusesInput() {
            return kind == Kind.HTTP ? status / 100 == 4 : "IllegalArgumentException".equals(throwsType);
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

    static List<Scenario> all() {
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

    /** The scenarios over HTTP (the local run serves only these). */
    static List<Scenario> http() {
        return all().stream().filter(s -> s.kind() == Kind.HTTP).toList();
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
        String kindName = (String) entry.getOrDefault("kind", "http");
        Kind kind;
        switch (kindName) {
            case "http" -> kind = Kind.HTTP;
            case "direct" -> kind = Kind.DIRECT;
            default ->
                throw new AssertionError(
                        "events/" + INDEX + ": " + file + " has kind \"" + kindName + "\"; known: http, direct");
        }
        Map<String, Object> result = (Map<String, Object>) entry.get("result");
        String throwsType = (String) entry.get("throws");
        if (kind == Kind.HTTP) {
            if (!(entry.get("status") instanceof Number)) {
                problems.add("an http scenario needs \"status\"");
            }
            for (String key : List.of("result", "throws", "operator")) {
                if (entry.containsKey(key)) {
                    problems.add("\"" + key + "\" is for direct scenarios");
                }
            }
        } else {
            for (String key : List.of("status", "type", "field")) {
                if (entry.containsKey(key)) {
                    problems.add("\"" + key + "\" is for http scenarios (a direct invocation has no status)");
                }
            }
            if ((result == null) == (throwsType == null)) {
                problems.add("a direct scenario needs exactly one of \"result\" and \"throws\"");
            }
            if (throwsType != null && !REFUSALS.contains(throwsType)) {
                problems.add("\"throws\" is " + throwsType + "; the operator functions fail with " + REFUSALS);
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("events/" + INDEX + ", " + file + ": " + problems);
        }
        return new Scenario(
                file,
                function,
                kind,
                entry.get("status") instanceof Number n ? n.intValue() : 0,
                (String) entry.get("type"),
                (String) entry.get("field"),
                (String) entry.get("given"),
                (List<String>) entry.getOrDefault("fill", List.of()),
                result,
                throwsType,
                (String) entry.get("operator"));
    }

    static Map<String, Object> event(Scenario scenario) {
        try {
            return JSON.std.mapFrom(Repo.read(scenario.path()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
