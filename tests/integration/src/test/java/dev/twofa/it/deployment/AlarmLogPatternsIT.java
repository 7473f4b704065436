package dev.twofa.it.deployment;

import static dev.twofa.it.support.Enrollment.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.app.common.AuditedEvents;
import dev.twofa.aws.KmsSecretCipher;
import dev.twofa.aws.SesMailer;
import dev.twofa.aws.store.DynamoTwoFactorStore;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.functions.verifylogin.VerifyLoginHandler;
import dev.twofa.http.LambdaSecurityLog;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.TestApp;
import dev.twofa.port.AuditTrail;
import dev.twofa.port.DependencyException;
import dev.twofa.testing.Stdout;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * The metric filters in template.yaml, run on log lines the code writes: a real lockout (100 wrong
 * codes), a sign-in that KMS throttles, and an audit write that fails. Each line is checked as
 * CloudWatch Logs receives it from a function with LogFormat JSON: the runtime's JSON record, the
 * line a string in its "message" (so the filters match terms, not JSON fields).
 */
class AlarmLogPatternsIT {
    private static final SamTemplate TEMPLATE = SamTemplate.ofRepo();
    private final TestApp app = new TestApp();
    private final String userId = "user-" + UUID.randomUUID();

    /** The metric (by name) each metric filter on the log group counts, and its filter pattern. */
    static Map<String, String> patternsOf(SamTemplate template, String logGroup) {
        Map<String, String> patterns = new TreeMap<>();
        for (String id : template.resources().keySet()) {
            if (template.type(id).equals("AWS::Logs::MetricFilter")
                    && new SamTemplate.Intrinsic("Ref", logGroup)
                            .equals(template.properties(id).get("LogGroupName"))) {
                for (Object t : SamTemplate.list(template.properties(id).get("MetricTransformations"))) {
                    patterns.put((String) SamTemplate.map(t).get("MetricName"), (String)
                            template.properties(id).get("FilterPattern"));
                }
            }
        }
        return patterns;
    }

    private static final Pattern TERM = Pattern.compile("(-?)\"([^\"]*)\"|(-?)(\\S+)");

    /**
     * CloudWatch Logs' term patterns: every term (a quoted phrase or a word) appears in the event,
     * case-sensitive; a term after "-" does not.
     */
    static boolean matches(String pattern, String event) {
        Matcher m = TERM.matcher(pattern);
        boolean any = false;
        while (m.find()) {
            any = true;
            boolean excluded = !(m.group(1) != null ? m.group(1) : m.group(3)).isEmpty();
            String term = m.group(2) != null ? m.group(2) : m.group(4);
            if (event.contains(term) == excluded) {
                return false;
            }
        }
        return any;
    }

    /** A log line as the Lambda runtime (JsonLogFormatter) sends it for LogFormat JSON. */
    private static String framed(String line) throws IOException {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("timestamp", "2026-01-01T00:00:00.000Z");
        record.put("level", "INFO");
        record.put("message", line);
        record.put("AWSRequestId", "8f5e1f3a-0000-4000-8000-000000000000");
        return JSON.std.asString(record);
    }

    /** What the structured log printed while {@code action} ran (outside Lambda the log is stdout). */
    private static List<String> logOf(Runnable action) {
        String log = Stdout.of(action);
        System.out.print(log);
        return log.lines().filter(l -> !l.isBlank()).toList();
    }

    /** The metrics whose filters (on every function's log group: the same) count {@code line}. */
    private static List<String> countedBy(String line) throws IOException {
        List<String> metrics = new ArrayList<>();
        String event = framed(line);
        for (var filter : patternsOf(TEMPLATE, "VerifyLoginLogGroup").entrySet()) {
            if (matches(filter.getValue(), event)) {
                metrics.add(filter.getKey());
            }
        }
        return metrics;
    }

    private String wrongCode(String secret) {
        return "000000".equals(IndependentTotp.codeAt(secret, app.clock.instant())) ? "111111" : "000000";
    }

    @Test
    void aLockout_countsEachFailedVerification_andTheLockOnce_andNothingElse() throws IOException {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        List<String> log = logOf(() -> {
            for (int i = 0; i < 100; i++) {
                verify(app, userId, "code", wrongCode(user.secret()));
                app.clock.advance(Duration.ofMinutes(15));
            }
        });

        Map<String, Integer> counts = new TreeMap<>();
        for (String line : log) {
            List<String> metrics = countedBy(line);
            if (line.contains("\"securityEvent\":\"verify_failed\"")) {
                assertThat(metrics).as(line).containsExactly("VerifyFailures");
            } else if (line.contains("\"securityEvent\":\"factor_locked\"")) {
                assertThat(metrics).as(line).containsExactly("FactorsLocked");
            } else {
                assertThat(metrics).as(line).isEmpty();
            }
            metrics.forEach(m -> counts.merge(m, 1, Integer::sum));
        }
        assertThat(counts).isEqualTo(Map.of("VerifyFailures", 100, "FactorsLocked", 1));
        assertThat(app.events.namesFor(userId)).containsOnlyOnce("factor_locked");
    }

    @Test
    void aSignInThatKmsThrottles_isCountedAsKmsThrottled() throws IOException {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        // KMS answering every call with its throttling error (FaultMatrixIT sends the same over the wire).
        KmsClient throttled = Emulators.at(Emulators.awsEndpoint(), KmsClient.builder())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        throw KmsException.builder()
                                .statusCode(400)
                                .awsErrorDetails(AwsErrorDetails.builder()
                                        .errorCode("ThrottlingException")
                                        .errorMessage("Rate exceeded")
                                        .build())
                                .build();
                    }
                }))
                .build();
        VerifyLoginHandler handler = new VerifyLoginHandler(app.withAdapters(
                        new DynamoTwoFactorStore(app.dynamo, app.table, app.auditTrail),
                        new KmsSecretCipher(throttled, app.keyId),
                        new SesMailer(app.ses, TestApp.SENDER))
                .verifyLogin());
        String code = IndependentTotp.code(user.secret(), user.enrollmentStep() + 1);

        List<String> log = logOf(() -> assertThat(handler.handleRequest(
                                Api.request("POST /2fa/verify", userId, Api.json(Map.of("code", code))), null)
                        .getStatusCode())
                .isEqualTo(503));

        List<String> counted = new ArrayList<>();
        for (String line : log) {
            counted.addAll(countedBy(line));
        }
        assertThat(counted).as(String.join("\n", log)).containsExactly("KmsThrottled");
    }

    /** The audit write of an event failed: the line names the event, and is not the event. */
    @Test
    void anAuditWriteFailure_isNotCountedAsTheEventItNames() throws IOException {
        AuditTrail failing = (AuditTrail) Proxy.newProxyInstance(
                AuditTrail.class.getClassLoader(), new Class<?>[] {AuditTrail.class}, (proxy, method, args) -> {
                    throw new DependencyException("DynamoDB", true, "ThrottlingException (HTTP 400)", null);
                });
        AuditedEvents events = new AuditedEvents(failing, new LambdaSecurityLog());
        for (String type : List.of("factor_locked", "verify_failed")) {
            SecurityEvent event =
                    new SecurityEvent(type, userId, "totp", app.clock.instant(), "198.51.100.7", "test", Map.of());
            List<String> log = logOf(() -> events.record(event));
            List<String> failed = log.stream()
                    .filter(l -> l.contains("\"securityEvent\":\"audit_write_failed\""))
                    .toList();
            assertThat(failed).hasSize(1);
            assertThat(countedBy(failed.getFirst())).as(failed.getFirst()).isEmpty();
            // The event's own line is still counted once.
            assertThat(log.stream()
                            .filter(l -> l.contains("\"securityEvent\":\"" + type + "\""))
                            .toList())
                    .hasSize(1);
        }
    }

    /** An SMS sent is counted on sms-send's log group for SmsSendsNearBudgetAlarm; nothing else is. */
    @Test
    void anSmsSent_isCountedOnSmsSendsLogGroup_andNoOtherEventIs() throws IOException {
        Map<String, String> smsSend = patternsOf(TEMPLATE, "SmsSendLogGroup");
        for (String type : List.of("sms_sent", "sms_send_failed", "sms_budget_exhausted", "factor_locked")) {
            SecurityEvent event = new SecurityEvent(
                    type, userId, "sms", app.clock.instant(), "198.51.100.7", "test", Map.of("country", "DK"));
            List<String> log = logOf(() -> new LambdaSecurityLog().record(event));
            List<String> lines = log.stream()
                    .filter(l -> l.contains("\"securityEvent\":\"" + type + "\""))
                    .toList();
            assertThat(lines).as(String.join("\n", log)).hasSize(1);
            String framed = framed(lines.getFirst());
            boolean counted = matches(smsSend.get("SmsSent"), framed);
            assertThat(counted).as(type).isEqualTo(type.equals("sms_sent"));
        }
    }
}
