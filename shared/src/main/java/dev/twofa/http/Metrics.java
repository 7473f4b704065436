package dev.twofa.http;

import dev.twofa.config.Config;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts in CloudWatch embedded metric format (EMF): one JSON document per line, which CloudWatch
 * Logs turns into metrics in namespace {@value #NAMESPACE}. Each count is published twice: by its
 * own dimensions (the stack-wide figure alarms and the dashboard read) and by those plus
 * {@code Function}. Dimension values are few and fixed (a method, an outcome, a country code, a
 * service name): never a user id, a number, a code or anything a caller chose.
 */
public final class Metrics {
    public static final String NAMESPACE = "TwoFA";
    public static final String FUNCTION = "Function";

    private static final String FUNCTION_NAME =
            Config.environment().optional("AWS_LAMBDA_FUNCTION_NAME").orElse("local");

    private Metrics() {}

    /** Logs one count of {@code metric} with these dimensions, at {@code at}. */
    public static void count(String metric, Map<String, String> dimensions, Instant at) {
        Log.metrics(document(FUNCTION_NAME, metric, dimensions, at));
    }

    /** The EMF document, as one line of JSON. */
    static String document(String function, String metric, Map<String, String> dimensions, Instant at) {
        List<String> own = new ArrayList<>(dimensions.keySet());
        List<String> withFunction = new ArrayList<>(own);
        withFunction.addFirst(FUNCTION);
        Map<String, Object> directive = new LinkedHashMap<>();
        directive.put("Namespace", NAMESPACE);
        directive.put("Dimensions", List.of(own, withFunction));
        directive.put("Metrics", List.of(Map.of("Name", metric, "Unit", "Count")));
        Map<String, Object> aws = new LinkedHashMap<>();
        aws.put("Timestamp", at.toEpochMilli());
        aws.put("CloudWatchMetrics", List.of(directive));
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("_aws", aws);
        line.put(FUNCTION, function);
        line.putAll(dimensions);
        line.put(metric, 1);
        return Json.write(line);
    }
}
