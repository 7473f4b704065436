package dev.twofa.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.port.DependencyException;
import dev.twofa.testing.Stdout;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The counts in CloudWatch embedded metric format: each line a valid EMF document (every declared
 * dimension and metric present at the top level, with the right type), the count each security
 * event makes, and nothing about the user in it.
 */
class MetricsTest {
    private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");
    private static final Principal USER = new Principal("user-7f3a", null, null, "203.0.113.9", "Firefox/999");

    /** The EMF lines among the captured output (those with an "_aws" member), each parsed and validated. */
    private static List<Map<String, Object>> metricLines(String output) {
        return output.lines()
                .filter(line -> line.startsWith("{\"_aws\""))
                .map(MetricsTest::validEmf)
                .toList();
    }

    /** Parses one line and checks it against the EMF specification; answers the parsed document. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> validEmf(String line) {
        Map<String, Object> document;
        try {
            document = Json.readObject(line);
        } catch (IOException e) {
            throw new AssertionError("not one JSON object: " + line, e);
        }
        Map<String, Object> aws = (Map<String, Object>) document.get("_aws");
        assertThat(aws).containsOnlyKeys("Timestamp", "CloudWatchMetrics");
        assertThat(aws.get("Timestamp")).isInstanceOf(Number.class);
        List<Map<String, Object>> directives = (List<Map<String, Object>>) aws.get("CloudWatchMetrics");
        assertThat(directives).hasSize(1);
        for (Map<String, Object> directive : directives) {
            assertThat(directive).containsOnlyKeys("Namespace", "Dimensions", "Metrics");
            assertThat(directive.get("Namespace")).isEqualTo(Metrics.NAMESPACE);
            List<List<String>> dimensionSets = (List<List<String>>) directive.get("Dimensions");
            assertThat(dimensionSets).isNotEmpty();
            for (List<String> set : dimensionSets) {
                assertThat(set).hasSizeLessThanOrEqualTo(30).doesNotHaveDuplicates();
                set.forEach(name ->
                        assertThat(document.get(name)).as("dimension %s", name).isInstanceOf(String.class));
            }
            List<Map<String, Object>> metrics = (List<Map<String, Object>>) directive.get("Metrics");
            assertThat(metrics).hasSize(1);
            for (Map<String, Object> metric : metrics) {
                assertThat(metric).containsOnlyKeys("Name", "Unit").containsEntry("Unit", "Count");
                assertThat(document.get((String) metric.get("Name"))).isEqualTo(1);
            }
        }
        return document;
    }

    @SuppressWarnings("unchecked")
    private static List<List<String>> dimensionsOf(Map<String, Object> document) {
        var aws = (Map<String, Object>) document.get("_aws");
        var directive = ((List<Map<String, Object>>) aws.get("CloudWatchMetrics")).getFirst();
        return (List<List<String>>) directive.get("Dimensions");
    }

    @Test
    void aDocument_isOneLineOfValidEmf_byItsDimensions_andByFunctionToo() {
        String line = Metrics.document("twofa-VerifyLogin", "SignIns", Map.of("Method", "totp"), AT);

        assertThat(line).doesNotContain("\n");
        Map<String, Object> document = validEmf(line);
        assertThat(document)
                .containsEntry("Function", "twofa-VerifyLogin")
                .containsEntry("Method", "totp")
                .containsEntry("SignIns", 1);
        assertThat(((Number) ((Map<?, ?>) document.get("_aws")).get("Timestamp")).longValue())
                .isEqualTo(AT.toEpochMilli());
        assertThat(dimensionsOf(document)).containsExactly(List.of("Method"), List.of("Function", "Method"));
    }

    @Test
    void aFailedSignIn_logsItsEventLine_thenOneMetricLine_withoutTheUserOrTheRequest() {
        var event = USER.event("verify_failed", "totp", AT, Map.of("failures", "3"));

        String output = Stdout.of(() -> new LambdaSecurityLog().record(event));

        assertThat(output.lines()).hasSize(2);
        assertThat(output.lines().findFirst().orElseThrow()).contains("\"securityEvent\":\"verify_failed\"");
        Map<String, Object> metric = metricLines(output).getFirst();
        assertThat(metric)
                .containsEntry("SignIns", 1)
                .containsEntry("Method", "totp")
                .containsEntry("Outcome", "failed")
                .containsOnlyKeys("_aws", "Function", "Method", "Outcome", "SignIns");
        String metricLine = output.lines().skip(1).findFirst().orElseThrow();
        assertThat(metricLine)
                .doesNotContain("user-7f3a")
                .doesNotContain("203.0.113.9")
                .doesNotContain("Firefox")
                .doesNotContain("securityEvent");
    }

    @Test
    void anSmsSent_isCountedByCountry_neverByNumber() {
        var event =
                USER.event("sms_sent", "sms", AT, Map.of("to", "+45 •• •• •• 56", "purpose", "login", "country", "DK"));

        String output = Stdout.of(() -> new LambdaSecurityLog().record(event));

        Map<String, Object> metric = metricLines(output).getFirst();
        assertThat(metric).containsEntry("SmsSent", 1).containsEntry("Country", "DK");
        assertThat(output.lines().skip(1).findFirst().orElseThrow())
                .doesNotContain("56")
                .doesNotContain("user-7f3a")
                .doesNotContain("login");
    }

    @Test
    void eachCountedEvent_makesItsMetric() {
        assertThat(count("verify_succeeded", "recovery", Map.of()))
                .contains(new SecurityMetrics.Count("SignIns", Map.of("Method", "recovery", "Outcome", "succeeded")));
        assertThat(count("verify_succeeded", "device", Map.of()))
                .contains(new SecurityMetrics.Count("SignIns", Map.of("Method", "device", "Outcome", "succeeded")));
        assertThat(count("lockout_started", "sms", Map.of()))
                .contains(new SecurityMetrics.Count("WaitsStarted", Map.of("Method", "sms")));
        assertThat(count("factor_locked", "totp", Map.of()))
                .contains(new SecurityMetrics.Count("FactorsLocked", Map.of("Method", "totp")));
        assertThat(count("replay_refused", "sms", Map.of()))
                .contains(new SecurityMetrics.Count("ReplaysRefused", Map.of("Method", "sms")));
        assertThat(count("recovery_code_used", "recovery", Map.of()))
                .contains(new SecurityMetrics.Count("RecoveryCodesUsed", Map.of()));
        assertThat(count(
                        "sms_budget_exhausted",
                        "sms",
                        Map.of("scope", "country", "country", "DK", "purpose", "enable")))
                .contains(new SecurityMetrics.Count("SmsRefused", Map.of("Limit", "country_budget", "Country", "DK")));
        assertThat(count("sms_budget_exhausted", "sms", Map.of("scope", "account", "country", "SE")))
                .contains(new SecurityMetrics.Count("SmsRefused", Map.of("Limit", "account_budget", "Country", "SE")));
        assertThat(count("sms_send_failed", "sms", Map.of("to", "+45 •• •• •• 56")))
                .contains(new SecurityMetrics.Count("SmsSendFailures", Map.of()));
        assertThat(count("audit_write_failed", "totp", Map.of("event", "verify_failed", "dependency", "DynamoDB")))
                .contains(new SecurityMetrics.Count("DependencyFaults", Map.of("Service", "DynamoDB")));
    }

    @Test
    void eventsThatAreNotCounted_makeNoMetricLine() {
        for (String type : List.of("totp_enabled", "sms_disabled", "support_reset", "notification_failed")) {
            assertThat(count(type, null, Map.of())).as(type).isEmpty();
        }
        String output = Stdout.of(() -> new LambdaSecurityLog().record(USER.event("totp_enabled", "totp", AT)));
        assertThat(output.lines()).hasSize(1);
        assertThat(metricLines(output)).isEmpty();
    }

    @Test
    void dimensionValues_areFixedWords_whateverTheEventCarries() {
        assertThat(count("factor_locked", "user-7f3a", Map.of()))
                .contains(new SecurityMetrics.Count("FactorsLocked", Map.of("Method", "other")));
        assertThat(count("factor_locked", null, Map.of()))
                .contains(new SecurityMetrics.Count("FactorsLocked", Map.of("Method", "other")));
        assertThat(count("sms_sent", "sms", Map.of("country", "+4520123456")))
                .contains(new SecurityMetrics.Count("SmsSent", Map.of("Country", "other")));
        assertThat(count("sms_budget_exhausted", "sms", Map.of("scope", "user-7f3a", "country", "dk")))
                .contains(new SecurityMetrics.Count("SmsRefused", Map.of("Limit", "other", "Country", "other")));
        assertThat(SecurityMetrics.service("ann@example.com rejected")).isEqualTo("other");
        assertThat(SecurityMetrics.service(null)).isEqualTo("other");
        assertThat(SecurityMetrics.service("KMS")).isEqualTo("KMS");
    }

    @Test
    void aStepUpAskedFor_andADependencyFault_areCountedByHttp() {
        var event = APIGatewayV2HTTPEvent.builder()
                .withRouteKey("POST /2fa/disable")
                .withBody("{}")
                .build();

        String stepUp = Stdout.of(() -> Http.handle(event, request -> {
            throw new TwoFactorException.StepUpRequired(List.of("totp"));
        }));
        String fault = Stdout.of(() -> Http.handle(event, request -> {
            throw new DependencyException("KMS", true, "ThrottlingException (HTTP 400)", null);
        }));
        String refusal = Stdout.of(() -> Http.handle(event, request -> {
            throw new TwoFactorException.InvalidCode("wrong code");
        }));

        assertThat(metricLines(stepUp)).singleElement().satisfies(m -> assertThat(m)
                .containsOnlyKeys("_aws", "Function", "StepUpRequired"));
        assertThat(dimensionsOf(metricLines(stepUp).getFirst())).containsExactly(List.of(), List.of("Function"));
        assertThat(metricLines(fault)).singleElement().satisfies(m -> assertThat(m)
                .containsEntry("DependencyFaults", 1)
                .containsEntry("Service", "KMS"));
        assertThat(metricLines(refusal)).isEmpty();
    }

    private static Optional<SecurityMetrics.Count> count(String type, String method, Map<String, String> details) {
        return SecurityMetrics.of(new SecurityEvent(type, "user-7f3a", method, AT, "203.0.113.9", "Firefox", details));
    }
}
