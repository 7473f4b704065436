package dev.twofa.lambda;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tier's printed numbers: per function, init (JVM start until the runtime asks for its first
 * event), its first request and the median of the later ones; per request, its AWS calls counted on
 * the wire. Measured on whatever machine runs the tests, beside other work: to read, not to assert.
 */
final class TierReport {
    private TierReport() {}

    static String of(List<DeployedFunction> functions) {
        StringBuilder out = new StringBuilder("\n");
        out.append("Lambda tier: each function.jar under the runtime interface client, JDK ")
                .append(LambdaJava.home())
                .append(DeployedStack.PRIMED ? ", primed at init" : ", not primed (-Dtwofa.prime=false)")
                .append('\n');
        out.append(String.format(
                Locale.ROOT,
                "%-35s %8s %9s %9s %11s %8s %10s  %s%n",
                "function",
                "init ms",
                "first ms",
                "later ms",
                "first/later",
                "requests",
                "AWS calls",
                "first request"));
        for (DeployedFunction f : functions) {
            List<DeployedFunction.Invocation> runs = f.invocations();
            String init = f.init().map(TierReport::millis).orElse("FAILED");
            String first = runs.isEmpty() ? "-" : millis(runs.getFirst().duration());
            Duration median = runs.size() < 2 ? null : median(runs.subList(1, runs.size()));
            String warm = median == null ? "-" : millis(median);
            String ratio = median == null
                    ? "-"
                    : String.format(
                            Locale.ROOT,
                            "%.1f×",
                            runs.getFirst().duration().toNanos() / (double) Math.max(1, median.toNanos()));
            String calls = runs.isEmpty()
                    ? "-"
                    : runs.stream().mapToInt(r -> r.awsCalls().size()).min().orElse(0) + "–"
                            + runs.stream()
                                    .mapToInt(r -> r.awsCalls().size())
                                    .max()
                                    .orElse(0);
            out.append(String.format(
                    Locale.ROOT,
                    "%-35s %8s %9s %9s %11s %8d %10s  %s%n",
                    f.function().logicalId(),
                    init,
                    first,
                    warm,
                    ratio,
                    runs.size(),
                    calls,
                    runs.isEmpty() ? "-" : runs.getFirst().what()));
        }
        out.append(
                "init: JVM start until the runtime asks for its first event; first: the first request it got (named"
                        + " at the end); later: the median of the others, of any kind (the issue's target: first ≤ 1.5× later); AWS calls: fewest–most per request\n\n");
        out.append(
                String.format(Locale.ROOT, "%-46s %6s %7s %5s  %s%n", "event", "status", "ms", "calls", "on the wire"));
        for (DeployedFunction f : functions) {
            for (DeployedFunction.Invocation run : f.invocations()) {
                if (run.what().startsWith("(given)")) {
                    continue;
                }
                out.append(String.format(
                        Locale.ROOT,
                        "%-46s %6s %7s %5d  %s%n",
                        run.what(),
                        run.status() < 0 ? "error" : Integer.toString(run.status()),
                        millis(run.duration()),
                        run.awsCalls().size(),
                        String.join(" ", run.awsCalls())));
            }
        }
        return out.toString();
    }

    private static Duration median(List<DeployedFunction.Invocation> runs) {
        List<Duration> sorted = new ArrayList<>(
                runs.stream().map(DeployedFunction.Invocation::duration).toList());
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.0f", d.toNanos() / 1e6);
    }
}
