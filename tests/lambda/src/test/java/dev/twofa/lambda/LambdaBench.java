package dev.twofa.lambda;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.it.deployment.Givens;
import dev.twofa.it.deployment.SamTemplate;
import dev.twofa.it.deployment.Scenarios;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Lambda half of scripts/bench: a main, never a test (the test command neither runs nor lists
 * it). On the Lambda tier's harness ({@link DeployedStack}: DynamoDB Local, moto, every function.jar
 * under the runtime interface client, AWS calls counted by {@link AwsWire}), for each function of
 * template.yaml, unprimed and primed ({@code TWOFA_PRIME_AT_INIT}): a fresh JVM, its init timed,
 * then its {@code <module>-ok.json} event (events/scenarios.json: a successful request) sent {@code
 * 1 + repetitions} times from the state the scenario's {@code given} names, prepared through the
 * stack's own (primed) functions on an emptied table, as DeployedFunctionsIT does: before each
 * request, or once for a GET or PUT, which can be repeated as is. The
 * first request is timed alone; the others give the warm median and p99. A floor handler (tools/bench,
 * FloorHandler: answers 200, nothing else) runs on the same harness. Then the cost per million
 * successful TOTP sign-ins, from the calls the primed verify-login made on the wire ({@link
 * RequestCost}).
 *
 * <p>System properties: {@code twofa.bench.repetitions} (warm requests per function and mode, default
 * 20), {@code twofa.bench.functions} (module names, comma-separated; default all), {@code
 * twofa.bench.floorJar}, {@code twofa.bench.report} (a file the report is also written to).
 */
public final class LambdaBench {
    /** The sign-in the cost is computed for: a successful TOTP verify-login. */
    static final String SIGN_IN_SCENARIO = "verify-login-ok.json";

    /** The floor's name in the report, where it is told apart from the functions. */
    static final String FLOOR = "floor (FloorHandler)";

    private static final String FLOOR_HANDLER = "dev.twofa.bench.floor.FloorHandler::handleRequest";
    /** The email of the user an operator event's {@code userId} names, as in DeployedFunctionsIT. */
    private static final String OPERATOR_SCENARIO_EMAIL = "support-case@example.com";

    /** When a request's state is prepared. */
    enum Preparation {
        /** Never: the floor ignores its event. */
        NONE,
        /** Once, before the first request: a GET (safe) or PUT (idempotent, RFC 9110 §9.2) can be repeated as is. */
        ONCE,
        /** Before each request: it consumes its state (a code is used once, a link too). */
        EVERY_REQUEST
    }

    /** One request of a measurement: as the harness saw it, with the calls' bodies for pricing. */
    record Run(DeployedFunction.Invocation invocation, List<AwsWire.Exchange> calls) {}

    /** One function (or the floor) in one mode: a fresh JVM's init, then its runs in order, the first first. */
    record Measurement(
            SamTemplate.Function function,
            String mode,
            String request,
            int expectedStatus,
            Optional<Duration> init,
            Optional<String> failure,
            List<Run> runs) {}

    private LambdaBench() {}

    public static void main(String[] args) throws IOException {
        int repetitions = Integer.getInteger("twofa.bench.repetitions", 20);
        Set<String> only = Arrays.stream(
                        System.getProperty("twofa.bench.functions", "").split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
        long started = System.nanoTime();
        List<Measurement> measurements = new ArrayList<>();
        Map<String, Object> verifyLogin;
        // The stack's own functions (primed, each started on first use) prepare each request's state;
        // the measured ones are fresh JVMs beside them.
        try (DeployedStack stack = DeployedStack.startOnDemand()) {
            List<Scenarios.Scenario> scenarios = Scenarios.all();
            SamTemplate.Function signIn = scenario(scenarios, SIGN_IN_SCENARIO).function();
            verifyLogin = signIn.properties();
            for (boolean primed : new boolean[] {false, true}) {
                Measurement floor = floor(stack, signIn, scenario(scenarios, SIGN_IN_SCENARIO), primed, repetitions);
                System.err.printf(
                        "%4ds %s%n", (System.nanoTime() - started) / 1_000_000_000, BenchReport.progress(floor));
                measurements.add(floor);
            }
            for (SamTemplate.Function function : SamTemplate.ofRepo().functions()) {
                if (!only.isEmpty() && !only.contains(function.module())) {
                    continue;
                }
                Scenarios.Scenario scenario = representative(scenarios, function);
                for (boolean primed : new boolean[] {false, true}) {
                    Measurement m = measure(stack, function, scenario, primed, repetitions);
                    System.err.printf(
                            "%4ds %s%n", (System.nanoTime() - started) / 1_000_000_000, BenchReport.progress(m));
                    measurements.add(m);
                }
            }
        }
        String report = BenchReport.of(measurements, repetitions, verifyLogin);
        System.out.println(report);
        String file = System.getProperty("twofa.bench.report");
        if (file != null && !file.isBlank()) {
            Files.createDirectories(Path.of(file).toAbsolutePath().getParent());
            Files.writeString(Path.of(file), report, StandardCharsets.UTF_8);
        }
        // DynamoDB Local's and the HTTP servers' threads would keep the JVM up; the shutdown hooks stop moto.
        System.exit(0);
    }

    /** The function's {@code <module>-ok.json}, else its first successful scenario. */
    static Scenarios.Scenario representative(List<Scenarios.Scenario> scenarios, SamTemplate.Function function) {
        List<Scenarios.Scenario> own = scenarios.stream()
                .filter(s -> s.function().logicalId().equals(function.logicalId()))
                .toList();
        return own.stream()
                .filter(s -> s.file().equals(function.module() + "-ok.json"))
                .findFirst()
                .or(() -> own.stream().filter(s -> s.status() / 100 == 2).findFirst())
                .orElseThrow(() -> new AssertionError(
                        function.logicalId() + " has no successful scenario in events/scenarios.json to measure"));
    }

    private static Scenarios.Scenario scenario(List<Scenarios.Scenario> scenarios, String file) {
        return scenarios.stream()
                .filter(s -> s.file().equals(file))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no events/" + file));
    }

    private static Measurement measure(
            DeployedStack stack,
            SamTemplate.Function function,
            Scenarios.Scenario scenario,
            boolean primed,
            int repetitions) {
        String mode = primed ? "primed" : "unprimed";
        Path jar = DeployedStack.repoRoot()
                .resolve("functions")
                .resolve(function.module())
                .resolve("target/function.jar");
        Path work = Path.of("target", "bench", function.module() + "-" + mode).toAbsolutePath();
        String method = scenario.route().orElseThrow().method();
        Preparation preparation =
                method.equals("GET") || method.equals("PUT") ? Preparation.ONCE : Preparation.EVERY_REQUEST;
        return run(stack, function, jar, work, primed, mode, scenario, preparation, repetitions);
    }

    /**
     * The floor handler on the same harness, with the sign-in function's settings (memory, timeout,
     * environment, JAVA_TOOL_OPTIONS) and its event: only the handler and the jar differ. Primed, it
     * primes the runtime's event mapping only (FloorHandler), as every primed function does too.
     */
    private static Measurement floor(
            DeployedStack stack,
            SamTemplate.Function signIn,
            Scenarios.Scenario event,
            boolean primed,
            int repetitions) {
        Path jar = Path.of(System.getProperty(
                "twofa.bench.floorJar",
                DeployedStack.repoRoot()
                        .resolve("tools/bench/target/floor-function.jar")
                        .toString()));
        Map<String, Object> properties = new LinkedHashMap<>(signIn.properties());
        properties.put("Handler", FLOOR_HANDLER);
        properties.put("CodeUri", "tools/bench/floor");
        SamTemplate.Function floor = new SamTemplate.Function(FLOOR, properties, List.of());
        String mode = primed ? "primed" : "unprimed";
        Path work = Path.of("target", "bench", "floor-" + mode).toAbsolutePath();
        return run(stack, floor, jar, work, primed, mode, event, Preparation.NONE, repetitions);
    }

    private static Measurement run(
            DeployedStack stack,
            SamTemplate.Function function,
            Path jar,
            Path work,
            boolean primed,
            String mode,
            Scenarios.Scenario scenario,
            Preparation preparation,
            int repetitions) {
        DeployedFunction instance = DeployedFunction.start(function, stack, jar, work, primed);
        List<Run> runs = new ArrayList<>();
        int expected = preparation == Preparation.NONE ? 200 : scenario.status();
        String event = null;
        try (instance) {
            if (instance.initFailure().isPresent()) {
                return new Measurement(
                        function, mode, scenario.file(), expected, Optional.empty(), instance.initFailure(), runs);
            }
            for (int i = 0; i <= repetitions; i++) {
                if (event == null || preparation == Preparation.EVERY_REQUEST) {
                    event = preparation == Preparation.NONE
                            ? JSON.std.asString(Scenarios.event(scenario))
                            : prepared(stack, scenario);
                }
                int mark = instance.wire().mark();
                try {
                    instance.invoke(scenario.file(), event);
                } catch (AssertionError e) {
                    return new Measurement(
                            function,
                            mode,
                            scenario.file(),
                            expected,
                            instance.init(),
                            Optional.of(e.getMessage()),
                            runs);
                }
                runs.add(new Run(
                        instance.invocations().getLast(), instance.wire().exchangesSince(mark)));
            }
            return new Measurement(function, mode, scenario.file(), expected, instance.init(), Optional.empty(), runs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException | AssertionError e) {
            return new Measurement(
                    function, mode, scenario.file(), expected, instance.init(), Optional.of(String.valueOf(e)), runs);
        }
    }

    /**
     * The scenario's event, its state prepared through the stack's own functions for the event's user
     * on an emptied table, its live values filled in (DeployedFunctionsIT's steps).
     */
    private static String prepared(DeployedStack stack, Scenarios.Scenario scenario) throws IOException {
        Map<String, Object> event = Scenarios.event(scenario);
        stack.emptyTable();
        Givens.Driver api;
        if (scenario.route().orElseThrow().iam()) {
            Object userId = JSON.std.mapFrom((String) event.get("body")).get("userId");
            api = stack.driver(String.valueOf(userId), OPERATOR_SCENARIO_EMAIL);
        } else {
            Map<String, String> claims = Scenarios.claimsOf(event);
            api = stack.driver(claims.get("sub"), claims.get("email"));
        }
        Scenarios.fill(scenario, event, Givens.prepare(scenario.given(), api));
        return JSON.std.asString(event);
    }
}
