package dev.twofa.lambda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What {@link LambdaBench} prints: the timing table, the calls on the wire, the cost per million sign-ins. */
final class BenchReport {
    /** The target: a function's first request at most this many times its warm median. */
    static final double FIRST_TO_WARM_TARGET = 1.5;

    private static final String ROW = "%-33s %-8s %-34s %8s %8s %8s %8s %8s %9s %-10s %s%n";

    private BenchReport() {}

    static String progress(LambdaBench.Measurement m) {
        return String.format(
                Locale.ROOT,
                "bench: %-33s %-8s init %s ms, first %s ms, warm p50 %s ms%s",
                m.function().logicalId(),
                m.mode(),
                m.init().map(BenchReport::millis).orElse("-"),
                m.runs().isEmpty() ? "-" : millis(first(m)),
                warm(m).isEmpty() ? "-" : millis(percentile(warm(m), 50)),
                m.failure()
                        .map(f -> " FAILED: " + f.lines().findFirst().orElse(""))
                        .orElse(""));
    }

    static String of(List<LambdaBench.Measurement> measurements, int repetitions, Map<String, Object> signIn) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "Lambda benchmark, %s: %d cores, %s RAM, functions on %s; runtime interface client %s%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS),
                Runtime.getRuntime().availableProcessors(),
                memory(),
                LambdaJava.home(),
                LambdaJava.runtimeClassPath()
                        .replaceAll(".*aws-lambda-java-runtime-interface-client-([^:/]+)\\.jar.*", "$1")));
        out.append(String.format(
                Locale.ROOT,
                "Each row: a fresh JVM of the function.jar; init = JVM start until it asks for its first event;"
                        + " first = its first request; warm = the %d after it, p50 and p99 by nearest rank (below 100"
                        + " requests p99 is the slowest); in calls = warm p50 of the time spent waiting on the"
                        + " emulators (DynamoDB Local, moto) inside a request; every request is the row's event, from its"
                        + " prepared state.%n%n",
                repetitions));
        out.append(String.format(
                Locale.ROOT,
                ROW,
                "function",
                "mode",
                "request",
                "init ms",
                "first ms",
                "warm p50",
                "warm p99",
                "in calls",
                "first/p50",
                "status",
                "AWS calls first; warm"));
        for (LambdaBench.Measurement m : measurements) {
            List<Duration> warm = warm(m);
            String ratio = warm.isEmpty()
                    ? "-"
                    : String.format(
                            Locale.ROOT,
                            "%.1f×%s",
                            first(m).toNanos()
                                    / (double) Math.max(1, percentile(warm, 50).toNanos()),
                            primedFunction(m) && !meetsTarget(m) ? "!" : "");
            out.append(String.format(
                    Locale.ROOT,
                    ROW,
                    m.function().logicalId(),
                    m.mode(),
                    m.request(),
                    m.init().map(BenchReport::millis).orElse("FAILED"),
                    m.runs().isEmpty() ? "-" : millis(first(m)),
                    warm.isEmpty() ? "-" : millis(percentile(warm, 50)),
                    warm.isEmpty() ? "-" : millis(percentile(warm, 99)),
                    warm.isEmpty() ? "-" : millis(percentile(inCalls(m), 50)),
                    ratio,
                    statuses(m),
                    m.runs().isEmpty()
                            ? "-"
                            : m.runs().getFirst().calls().size() + "; "
                                    + modalCalls(m)
                                            .map(List::size)
                                            .map(String::valueOf)
                                            .orElse("-")));
        }
        List<String> misses = measurements.stream()
                .filter(m -> primedFunction(m) && !meetsTarget(m))
                .map(m -> m.function().logicalId())
                .toList();
        long primed = measurements.stream().filter(BenchReport::primedFunction).count();
        out.append(String.format(
                Locale.ROOT,
                "%nTarget first ≤ %.1f× warm p50, primed: %d of %d functions meet it%s%n",
                FIRST_TO_WARM_TARGET,
                primed - misses.size(),
                primed,
                misses.isEmpty() ? "" : " (! misses: " + String.join(", ", misses) + ")"));
        // The primed floor's first request over its warm one: what the runtime itself still pays on a first
        // event after the same runtime-side priming, before any handler code (the interface client's event
        // loop, its context object, the handler's invocation path), which no handler's priming reaches.
        Optional<LambdaBench.Measurement> floor = primedFloor(measurements);
        if (floor.isPresent()) {
            Duration overhead = first(floor.get()).minus(percentile(warm(floor.get()), 50));
            List<String> beyondFloor = measurements.stream()
                    .filter(m -> primedFunction(m) && !warm(m).isEmpty())
                    .filter(m -> first(m).minus(overhead).toNanos()
                            > FIRST_TO_WARM_TARGET * percentile(warm(m), 50).toNanos())
                    .map(m -> m.function().logicalId())
                    .toList();
            out.append(String.format(
                    Locale.ROOT,
                    "Less the primed floor's own first-request overhead (%s ms: its first %s ms over its warm %s ms,"
                            + " the runtime's, before any handler code): %d of %d%s%n",
                    millis(overhead),
                    millis(first(floor.get())),
                    millis(percentile(warm(floor.get()), 50)),
                    primed - beyondFloor.size(),
                    primed,
                    beyondFloor.isEmpty() ? "" : " (still over: " + String.join(", ", beyondFloor) + ")"));
        }
        measurements.stream().filter(m -> m.failure().isPresent()).forEach(m -> out.append("FAILED ")
                .append(m.function().logicalId())
                .append(' ')
                .append(m.mode())
                .append(": ")
                .append(m.failure().get().lines().limit(3).collect(Collectors.joining(" | ")))
                .append('\n'));

        out.append(
                "\nAWS calls on the wire, per request (primed; the first request's when they differ from the warm ones)\n");
        for (LambdaBench.Measurement m : measurements) {
            if (!primedFunction(m) || m.runs().isEmpty()) {
                continue;
            }
            List<String> first = names(m.runs().getFirst());
            Optional<List<String>> warm = modalCalls(m);
            out.append(String.format(
                    Locale.ROOT,
                    "%-33s %s%n",
                    m.function().logicalId(),
                    warm.map(BenchReport::joined).orElse("-")));
            if (warm.isPresent() && !warm.get().equals(first)) {
                out.append(String.format(Locale.ROOT, "%-33s first: %s%n", "", joined(first)));
            }
        }
        out.append(cost(measurements, signIn));
        return out.toString();
    }

    /** The cost per million successful TOTP sign-ins, from the primed verify-login's warm requests. */
    private static String cost(List<LambdaBench.Measurement> measurements, Map<String, Object> signIn) {
        Optional<LambdaBench.Measurement> verify = measurements.stream()
                .filter(m -> primedFunction(m) && m.request().equals(LambdaBench.SIGN_IN_SCENARIO))
                .findFirst();
        if (verify.isEmpty()
                || warm(verify.get()).isEmpty()
                || modalCalls(verify.get()).isEmpty()) {
            return "\nNo cost per sign-in: the primed " + LambdaBench.SIGN_IN_SCENARIO + " was not measured.\n";
        }
        LambdaBench.Measurement m = verify.get();
        int memory = Integer.parseInt(String.valueOf(signIn.getOrDefault("MemorySize", 128)));
        String architecture = signIn.get("Architectures") instanceof List<?> l && !l.isEmpty()
                ? String.valueOf(l.getFirst())
                : "x86_64";
        List<String> modal = modalCalls(m).orElseThrow();
        LambdaBench.Run typical = m.runs().subList(1, m.runs().size()).stream()
                .filter(r -> r.invocation().status() == m.expectedStatus() && names(r).equals(modal))
                .findFirst()
                .orElseThrow();
        Duration median = percentile(warm(m), 50);
        RequestCost.Priced priced = RequestCost.of(typical.calls(), memory, architecture, median);
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%nCost per million successful TOTP sign-ins (%s, %s, primed, warm; list prices %s, ListPrices)%n",
                m.function().logicalId(),
                m.request(),
                ListPrices.AS_OF));
        for (RequestCost.Line line : priced.lines()) {
            out.append(String.format(
                    Locale.ROOT, "  %-34s %-62s $%9.4f%n", line.item(), line.arithmetic(), line.dollars() * 1e6));
        }
        out.append(String.format(Locale.ROOT, "  %-34s %-62s $%9.4f%n", "total per million", "", priced.total() * 1e6));
        out.append(String.format(
                Locale.ROOT,
                "  (the duration is the measured warm p50, of which %s ms waited on the emulators: on AWS that wait is"
                        + " the services' latency instead)%n",
                millis(percentile(inCalls(m), 50))));
        if (!priced.unpriced().isEmpty()) {
            out.append("  not priced (no list price here): ")
                    .append(String.join(", ", priced.unpriced()))
                    .append('\n');
        }
        primedFloor(measurements).ifPresent(f -> {
            RequestCost.Priced floor = RequestCost.of(List.of(), memory, architecture, percentile(warm(f), 50));
            out.append(String.format(
                    Locale.ROOT,
                    "  %-34s %-62s $%9.4f%n",
                    "floor handler (no AWS call)",
                    "HTTP API + Lambda request + " + floor.lines().get(2).arithmetic(),
                    floor.total() * 1e6));
        });
        return out.toString();
    }

    private static boolean isFloor(LambdaBench.Measurement m) {
        return m.function().logicalId().equals(LambdaBench.FLOOR);
    }

    /** A function of the stack, primed: what the target is about (the floor is not one). */
    private static boolean primedFunction(LambdaBench.Measurement m) {
        return m.mode().equals("primed") && !isFloor(m);
    }

    private static Optional<LambdaBench.Measurement> primedFloor(List<LambdaBench.Measurement> measurements) {
        return measurements.stream()
                .filter(m -> isFloor(m) && m.mode().equals("primed") && !warm(m).isEmpty())
                .findFirst();
    }

    private static boolean meetsTarget(LambdaBench.Measurement m) {
        List<Duration> warm = warm(m);
        return m.failure().isEmpty()
                && !warm.isEmpty()
                && first(m).toNanos()
                        <= FIRST_TO_WARM_TARGET * percentile(warm, 50).toNanos();
    }

    private static Duration first(LambdaBench.Measurement m) {
        return m.runs().getFirst().invocation().duration();
    }

    private static List<Duration> warm(LambdaBench.Measurement m) {
        if (m.runs().size() < 2) {
            return List.of();
        }
        return m.runs().subList(1, m.runs().size()).stream()
                .map(r -> r.invocation().duration())
                .sorted()
                .toList();
    }

    /** The warm requests' time waiting on the emulators, sorted. */
    private static List<Duration> inCalls(LambdaBench.Measurement m) {
        return m.runs().subList(1, m.runs().size()).stream()
                .map(r -> r.calls().stream().map(AwsWire.Exchange::duration).reduce(Duration.ZERO, Duration::plus))
                .sorted()
                .toList();
    }

    /** Nearest rank: the smallest value with at least {@code p} % of the values at or below it. */
    static Duration percentile(List<Duration> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static String statuses(LambdaBench.Measurement m) {
        Map<Integer, Long> counts = m.runs().stream()
                .collect(
                        Collectors.groupingBy(r -> r.invocation().status(), LinkedHashMap::new, Collectors.counting()));
        if (counts.isEmpty()) {
            return "-";
        }
        if (counts.size() == 1 && counts.containsKey(m.expectedStatus())) {
            return m.expectedStatus() + "×" + counts.get(m.expectedStatus());
        }
        return counts.entrySet().stream()
                        .map(e -> e.getKey() + "×" + e.getValue())
                        .collect(Collectors.joining(","))
                + "!";
    }

    /** The most frequent list of calls among the warm requests that got the expected status. */
    private static Optional<List<String>> modalCalls(LambdaBench.Measurement m) {
        if (m.runs().size() < 2) {
            return Optional.empty();
        }
        return m.runs().subList(1, m.runs().size()).stream()
                .filter(r -> r.invocation().status() == m.expectedStatus())
                .map(BenchReport::names)
                .collect(Collectors.groupingBy(Function.identity(), LinkedHashMap::new, Collectors.counting()))
                .entrySet()
                .stream()
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey);
    }

    private static List<String> names(LambdaBench.Run run) {
        return run.calls().stream().map(AwsWire.Exchange::call).toList();
    }

    private static String joined(List<String> calls) {
        return calls.isEmpty() ? "(none)" : String.join(" → ", calls);
    }

    private static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.0f", d.toNanos() / 1e6);
    }

    private static String memory() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / (1024 * 1024) + " GiB")
                    .findFirst()
                    .orElse("? GiB");
        } catch (IOException | RuntimeException e) {
            return "? GiB";
        }
    }
}
