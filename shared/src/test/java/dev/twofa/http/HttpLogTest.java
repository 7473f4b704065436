package dev.twofa.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.domain.sms.InvalidPhoneNumberException;
import dev.twofa.port.DependencyException;
import dev.twofa.port.SecretIntegrityException;
import dev.twofa.port.SmsRejectedException;
import dev.twofa.testing.ApiEvents;
import dev.twofa.testing.Stdout;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What operators see: one log line per refused or failed request (the SECURITY line for a ciphertext that does not
 * authenticate above all), the security events as JSON lines, and never a library's message.
 */
class HttpLogTest {

    private static APIGatewayV2HTTPEvent event(String routeKey) {
        return ApiEvents.route(routeKey).body("{}").build();
    }

    private static String logOfFailure(String routeKey, RuntimeException failure) {
        return Stdout.of(() -> Http.handle(event(routeKey), request -> {
            throw failure;
        }));
    }

    @Test
    void aRefusal_isOneInfoLine_withTheRouteAndTheExceptionsOwnMessage() {
        String log = logOfFailure("POST /2fa/verify", new TwoFactorException.InvalidCode("replayed code"));

        assertThat(log).isEqualTo("POST /2fa/verify refused: InvalidCode: replayed code" + System.lineSeparator());
    }

    @Test
    void aRequestWithoutRoute_isLoggedAsQuestionMark() {
        String log = logOfFailure(null, new TwoFactorException.Locked());

        assertThat(log).startsWith("? refused: Locked: ");
    }

    @Test
    void theSecurityIntegrityLine_isLogged() {
        String log = logOfFailure(
                "POST /2fa/verify", new SecretIntegrityException("secret of user-1 does not authenticate", null));

        assertThat(log)
                .isEqualTo("POST /2fa/verify SECURITY integrity failure: secret of user-1 does not authenticate"
                        + System.lineSeparator());
    }

    @Test
    void aPhoneNumberRefusal_logsTheReasonOnly() {
        String log = logOfFailure(
                "POST /2fa/sms/send",
                new InvalidPhoneNumberException(InvalidPhoneNumberException.Reason.NOT_MOBILE, "detail +4520"));

        assertThat(log).isEqualTo("POST /2fa/sms/send refused: phone number NOT_MOBILE" + System.lineSeparator());
    }

    @Test
    void anSmsRejection_logsTheReasonOnly() {
        String log = logOfFailure(
                "POST /2fa/sms/send",
                new SmsRejectedException(SmsRejectedException.Reason.OPTED_OUT, "+4520123456 opted out", null));

        assertThat(log).isEqualTo("POST /2fa/sms/send SMS rejected: OPTED_OUT" + System.lineSeparator());
    }

    @Test
    void aDependencyFault_isLoggedWithItsTrace() {
        String log = logOfFailure("GET /2fa/status", new DependencyException("DynamoDB", true, "Throttling", null));

        assertThat(log)
                .startsWith("GET /2fa/status dependency fault: dev.twofa.port.DependencyException: ")
                .contains("\n\tat dev.twofa.http.HttpLogTest");
    }

    @Test
    void aSuccess_logsNothing_andAnswersJsonWithTheSecurityHeaders() throws IOException {
        var response = new Object[1];
        String log = Stdout.of(() -> response[0] = Http.handle(
                event("GET /2fa/status"), request -> new ApiResponse(202, Map.of("a", 1), Map.of("X-Extra", "yes"))));
        var answered = (com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse) response[0];

        assertThat(log).isEmpty();
        assertThat(answered.getStatusCode()).isEqualTo(202);
        assertThat(answered.getBody()).isEqualTo("{\"a\":1}");
        assertThat(answered.getIsBase64Encoded()).isFalse();
        assertThat(answered.getHeaders())
                .containsExactly(
                        entry("Content-Type", "application/json"),
                        entry("Cache-Control", "no-store"),
                        entry("X-Content-Type-Options", "nosniff"),
                        entry("X-Extra", "yes"));
    }

    @Test
    void aProblem_carriesTheSecurityHeadersToo() {
        var answered = Http.handle(event("GET /2fa/status"), request -> {
            throw new TwoFactorException.Throttled(5);
        });

        assertThat(answered.getHeaders())
                .containsEntry("Content-Type", "application/problem+json")
                .containsEntry("Cache-Control", "no-store")
                .containsEntry("X-Content-Type-Options", "nosniff")
                .containsEntry("Retry-After", "5");
        assertThat(answered.getIsBase64Encoded()).isFalse();
    }

    @Test
    void trace_namesEveryCause_withTheMessagesOfOwnExceptionsOnly() {
        var library = new IllegalStateException("ann@example.com rejected");
        var own = new DependencyException("SES", false, "MessageRejected (HTTP 400)", library);

        String trace = Log.trace(own);

        assertThat(trace)
                .startsWith("dev.twofa.port.DependencyException: SES: MessageRejected (HTTP 400)\n\tat ")
                .contains("\nCaused by: java.lang.IllegalStateException\n\tat ")
                .doesNotContain("ann@example.com");
        assertThat(trace.lines().filter(l -> l.startsWith("\tat ")).count())
                .isEqualTo(own.getStackTrace().length + library.getStackTrace().length);
    }

    @Test
    void describe_keepsOwnMessages_dropsLibraryMessages_andNullMessages() {
        assertThat(Log.describe(new TwoFactorException.InvalidCode("wrong code")))
                .isEqualTo("dev.twofa.app.api.TwoFactorException$InvalidCode: wrong code");
        assertThat(Log.describe(new IllegalArgumentException("+4520123456")))
                .isEqualTo("java.lang.IllegalArgumentException");
        assertThat(Log.describe(new SecretIntegrityException(null, null)))
                .isEqualTo("dev.twofa.port.SecretIntegrityException");
    }

    @Test
    void securityEvents_areOneFlatJsonLineEach() throws IOException {
        var principal = new Principal("user-1", null, null, "203.0.113.9", "Firefox");
        var event = principal.event(
                "verify_failed", "totp", Instant.parse("2026-01-02T03:04:05Z"), Map.of("failures", "3"));
        var log = new LambdaSecurityLog();

        String recorded = Stdout.of(() -> log.record(event));
        String committed = Stdout.of(() -> log.committed(event));

        // The event's line, then the count it makes (MetricsTest).
        assertThat(recorded).isEqualTo(committed).endsWith(System.lineSeparator());
        assertThat(recorded.lines()).hasSize(2);
        assertThat(recorded.lines().skip(1).findFirst().orElseThrow()).startsWith("{\"_aws\":");
        assertThat(Json.readObject(recorded.lines().findFirst().orElseThrow()))
                .containsExactly(
                        entry("securityEvent", "verify_failed"),
                        entry("userId", "user-1"),
                        entry("method", "totp"),
                        entry("at", "2026-01-02T03:04:05Z"),
                        entry("sourceIp", "203.0.113.9"),
                        entry("userAgent", "Firefox"),
                        entry("failures", "3"));
    }

    @Test
    void securityEvents_leaveOutWhatTheyDoNotHave() {
        var operatorAction = new SecurityEvent("support_reset", "user-2", null, Instant.EPOCH, null, null, Map.of());

        assertThat(LambdaSecurityLog.asLogLine(operatorAction))
                .containsOnlyKeys("securityEvent", "userId", "at")
                .containsEntry("at", "1970-01-01T00:00:00Z");
    }
}
