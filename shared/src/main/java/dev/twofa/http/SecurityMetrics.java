package dev.twofa.http;

import dev.twofa.app.common.SmsSendLimiter;
import dev.twofa.domain.audit.SecurityEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The metric a security event counts, if any (docs/architecture.md, Operations, lists them). Only
 * the event's type, its method and, for SMS, the destination's country code become dimensions;
 * anything else is replaced by a fixed word, so a metric line never carries a caller's input.
 */
public final class SecurityMetrics {
    private static final Set<String> METHODS = Set.of("totp", "sms", "recovery", "assertion", "device", "webauthn");
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9]{1,32}");

    /** One count: the metric's name and its dimensions. */
    public record Count(String metric, Map<String, String> dimensions) {}

    private SecurityMetrics() {}

    /** Logs the count the event makes, if it makes one. */
    public static void record(SecurityEvent event) {
        of(event).ifPresent(count -> Metrics.count(count.metric(), count.dimensions(), event.at()));
    }

    public static Optional<Count> of(SecurityEvent event) {
        return Optional.ofNullable(
                switch (event.type()) {
                    case "verify_succeeded" -> new Count("SignIns", byMethod(event, "Outcome", "succeeded"));
                    case "verify_failed" -> new Count("SignIns", byMethod(event, "Outcome", "failed"));
                    case "lockout_started" -> new Count("WaitsStarted", byMethod(event));
                    case "factor_locked" -> new Count("FactorsLocked", byMethod(event));
                    case "replay_refused" -> new Count("ReplaysRefused", byMethod(event));
                    case "recovery_code_used" -> new Count("RecoveryCodesUsed", Map.of());
                    case "sms_sent" -> new Count("SmsSent", Map.of("Country", country(event)));
                    case SmsSendLimiter.BUDGET_EXHAUSTED ->
                        new Count("SmsRefused", Map.of("Limit", limit(event), "Country", country(event)));
                    case "sms_send_failed" -> new Count("SmsSendFailures", Map.of());
                    case "audit_write_failed" ->
                        new Count(
                                "DependencyFaults",
                                Map.of("Service", service(event.details().get("dependency"))));
                    default -> null;
                });
    }

    /** A dependency's name as a dimension value: the adapters' fixed names, anything else "other". */
    public static String service(String dependency) {
        return dependency != null && SERVICE.matcher(dependency).matches() ? dependency : "other";
    }

    private static Map<String, String> byMethod(SecurityEvent event, String... more) {
        Map<String, String> dimensions = new LinkedHashMap<>();
        dimensions.put("Method", event.method() != null && METHODS.contains(event.method()) ? event.method() : "other");
        for (int i = 0; i + 1 < more.length; i += 2) {
            dimensions.put(more[i], more[i + 1]);
        }
        return dimensions;
    }

    private static String country(SecurityEvent event) {
        String country = event.details().get("country");
        return country != null && COUNTRY.matcher(country).matches() ? country : "other";
    }

    private static String limit(SecurityEvent event) {
        String scope = event.details().get("scope");
        return "country".equals(scope) || "account".equals(scope) ? scope + "_budget" : "other";
    }
}
