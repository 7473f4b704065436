package dev.twofa.lambda;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

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
                "%-35s %8s %9s %9s %11s %9s %9s %11s %8s %10s  %s%n",
                "function",
                "init ms",
                "first ms",
                "later ms",
                "first/later",
                "own first",
                "own later",
                "own ratio",
                "requests",
                "AWS calls",
                "first request"));
        for (DeployedFunction f : functions) {
            List<DeployedFunction.Invocation> runs = f.invocations();
            String init = f.init().map(TierReport::millis).orElse("FAILED");
            if (runs.isEmpty()) {
                out.append(
                        String.format(Locale.ROOT, "%-35s %8s%n", f.function().logicalId(), init));
                continue;
            }
            DeployedFunction.Invocation first = runs.getFirst();
            List<DeployedFunction.Invocation> later = runs.subList(1, runs.size());
            // The function's own time is compared with later requests of the same kind when there are any:
            // a first request that prepares state is a full flow, most later ones a 4xx.
            List<DeployedFunction.Invocation> sameKind =
                    later.stream().filter(r -> r.what().equals(first.what())).toList();
            List<DeployedFunction.Invocation> own = sameKind.isEmpty() ? later : sameKind;
            Duration median = later.isEmpty() ? null : median(later, DeployedFunction.Invocation::duration);
            Duration ownMedian = own.isEmpty() ? null : median(own, DeployedFunction.Invocation::own);
            String calls = runs.stream()
                            .mapToInt(r -> r.awsCalls().size())
                            .min()
                            .orElse(0) + "–"
                    + runs.stream().mapToInt(r -> r.awsCalls().size()).max().orElse(0);
            out.append(String.format(
                    Locale.ROOT,
                    "%-35s %8s %9s %9s %11s %9s %9s %11s %8d %10s  %s%n",
                    f.function().logicalId(),
                    init,
                    millis(first.duration()),
                    median == null ? "-" : millis(median),
                    ratio(first.duration(), median),
                    millis(first.own()),
                    ownMedian == null ? "-" : millis(ownMedian),
                    ratio(first.own(), ownMedian) + (sameKind.isEmpty() ? "" : "="),
                    runs.size(),
                    calls,
                    first.what()));
        }
        out.append("init: JVM start until the runtime asks for its first event; first: the first request it got (named"
                + " at the end); later: the median of the others, of any kind; own: the same less the time its AWS"
                + " calls waited on the emulators (whose own warm-up is not the function's), the later median taken"
                + " over requests of the first one's kind where there are any (marked =); the issue's target:"
                + " first ≤ 1.5× later; AWS calls: fewest–most per request\n\n");
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

    private static Duration median(
            List<DeployedFunction.Invocation> runs, Function<DeployedFunction.Invocation, Duration> measure) {
        List<Duration> sorted = new ArrayList<>(runs.stream().map(measure).toList());
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static String ratio(Duration first, Duration median) {
        return median == null
                ? "-"
                : String.format(Locale.ROOT, "%.1f×", first.toNanos() / (double) Math.max(1, median.toNanos()));
    }

    private static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.0f", d.toNanos() / 1e6);
    }
}
