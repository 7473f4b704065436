package dev.twofa.it.deployment;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * events/: one API Gateway HTTP API (payload 2.0) event per function and scenario, named
 * {@code <module>-<scenario>.json} after the function's CodeUri module, and events/scenarios.json,
 * which says for each file what it should get and from which state:
 *
 * <pre>
 * "verify-login-ok.json": { "status": 200, "given": "totp-enabled", "fill": ["code"] }
 * </pre>
 *
 * {@code status} is the expected HTTP status, {@code type} the problem type (without the
 * {@code urn:twofa:problem:} prefix) for an error, {@code given} a state {@link Givens} prepares for
 * the event's user first, and {@code fill} the body fields whose value only that state can know
 * (the current TOTP code, an SMS code, an activation token): the test puts the live value in, as a
 * tester replaces it before {@code sam local invoke}. Everything else is used as the file says.
 */
final class Scenarios {
    static final String INDEX = "scenarios.json";

    record Scenario(
            String file, SamTemplate.Function function, int status, String type, String given, List<String> fill) {
        Path path() {
            return Repo.root().resolve("events").resolve(file);
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

    @SuppressWarnings("unchecked")
    static List<Scenario> all() {
        List<SamTemplate.Function> functions = SamTemplate.ofRepo().functions();
        Map<String, Object> index = index();
        return Repo.eventFiles().stream()
                .map(p -> p.getFileName().toString())
                .map(file -> {
                    SamTemplate.Function function = functionOf(file, functions)
                            .orElseThrow(() -> new AssertionError("events/" + file
                                    + " names no function of template.yaml (<module>-<scenario>.json)"));
                    Map<String, Object> entry = (Map<String, Object>) index.get(file);
                    if (entry == null) {
                        throw new AssertionError("events/" + file + " has no entry in events/" + INDEX);
                    }
                    return new Scenario(
                            file,
                            function,
                            ((Number) entry.get("status")).intValue(),
                            (String) entry.get("type"),
                            (String) entry.get("given"),
                            (List<String>) entry.getOrDefault("fill", List.of()));
                })
                .toList();
    }

    static Map<String, Object> event(Scenario scenario) {
        try {
            return JSON.std.mapFrom(Repo.read(scenario.path()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
