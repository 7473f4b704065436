package dev.twofa.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.api.Credential;
import dev.twofa.app.api.TwoFactorException;
import dev.twofa.port.DependencyException;
import dev.twofa.port.SecretIntegrityException;
import dev.twofa.testing.ApiEvents;
import dev.twofa.testing.Stdout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpTest {

    private static APIGatewayV2HTTPEvent event(String sub, String body) {
        return ApiEvents.route("POST /2fa/verify")
                .claims(sub == null ? Map.of() : Map.of("sub", sub, "email", "ann@example.com"))
                .body(body)
                .build();
    }

    private static APIGatewayV2HTTPResponse run(APIGatewayV2HTTPEvent event, Function<ApiRequest, ApiResponse> action) {
        return Http.handle(event, action);
    }

    private static Map<String, Object> body(APIGatewayV2HTTPResponse response) throws IOException {
        return Json.readObject(response.getBody());
    }

    @Test
    void principal_comesFromTheSubClaim_neverFromTheBody() {
        var response = run(
                event("user-1", "{\"sub\":\"someone-else\",\"userId\":\"x\"}"),
                request -> ApiResponse.ok(Map.of("user", request.principal().userId())));
        assertThat(response.getBody()).isEqualTo("{\"user\":\"user-1\"}");
        assertThat(response.getHeaders()).containsEntry("Cache-Control", "no-store");
    }

    @Test
    void missingPrincipal_is401Problem() throws IOException {
        var response = run(event(null, "{}"), request -> ApiResponse.ok(request.principal()));
        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/problem+json");
        assertThat(body(response)).containsEntry("type", "urn:twofa:problem:unauthenticated");
    }

    private static APIGatewayV2HTTPEvent operatorEvent(String userArn) {
        return ApiEvents.route("POST /operator/support-reset")
                .caller(userArn)
                .requestId("req-1")
                .body("{\"operator\":\"arn:aws:iam::123456789012:user/forged\"}")
                .build();
    }

    @Test
    void operator_isTheCallerTheIamAuthorizerVerified_withTheRequestId_neverTheBody() throws IOException {
        String arn = "arn:aws:sts::123456789012:assumed-role/twofa-SupportRole-X/alice";
        var response = run(operatorEvent(arn), request -> {
            var operator = request.operator();
            return ApiResponse.ok(Map.of("arn", operator.arn(), "request", operator.requestId()));
        });
        assertThat(body(response)).isEqualTo(Map.of("arn", arn, "request", "req-1"));
    }

    @Test
    void operator_withOnlyJwtClaims_orNoArn_is401Problem() throws IOException {
        for (var event : new APIGatewayV2HTTPEvent[] {
            event("user-1", "{}"), operatorEvent(null), operatorEvent(""), operatorEvent("alice@corp")
        }) {
            var response = run(
                    event,
                    request -> ApiResponse.ok(Map.of("arn", request.operator().arn())));
            assertThat(response.getStatusCode()).isEqualTo(401);
            assertThat(body(response)).containsEntry("type", "urn:twofa:problem:unauthenticated");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "not json",
                "[1,2]",
                "\"text\"",
                "{\"code\":",
                "{\"code\":123456}",
                "{\"code\":\"12345\"}",
                // trailing content: a proxy or WAF reading the whole body would see something else
                "{\"code\":\"123456\"}x",
                "{\"code\":\"123456\"}{\"code\":\"000000\"}",
                "{\"code\":\"123456\"} // comment",
                "{\"code\":\"123456\"} /* comment */",
                "{\"code\":\"123456\"},",
                "{\"code\":\"123456\"}]",
                "{\"code\":\"123456\"}\u0000",
                // a duplicate key: which one counts depends on the reader
                "{\"code\":\"000000\",\"code\":\"123456\"}"
            })
    void malformedBodiesAndFields_are400Problems(String raw) throws IOException {
        var response = run(event("u", raw), request -> ApiResponse.ok(Map.of("c", request.sixDigitCode("code"))));
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(body(response)).containsEntry("type", "urn:twofa:problem:invalid-request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"code\":\"123456\"}", " {\"code\":\"123456\"} ", "{\"code\":\"123456\"}\r\n\t"})
    void oneObject_withWhitespaceAround_isRead(String raw) throws IOException {
        var response = run(event("u", raw), request -> ApiResponse.ok(Map.of("c", request.sixDigitCode("code"))));
        assertThat(response.getStatusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"123456", "123 456", " 123456 ", "1 2 3 4 5 6"})
    void sixDigitCode_dropsAsciiSpacesOnly(String code) throws IOException {
        var response = run(
                event("u", "{\"code\":\"" + code + "\"}"),
                request -> ApiResponse.ok(Map.of("c", request.sixDigitCode("code"))));
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(body(response)).containsEntry("c", "123456");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\\t123456",
                "123456\\n",
                "123456\\u0000",
                "\\u2003123456", // em space: String.strip() used to drop it
                "123\\u00a0456", // no-break space
                "\\u0661\\u0662\\u0663\\u0664\\u0665\\u0666", // Arabic-Indic digits
                "１２３４５６", // full-width digits
                "123-456"
            })
    void sixDigitCode_withAnythingButAsciiSpaces_is400(String code) throws IOException {
        var response = run(
                event("u", "{\"code\":\"" + code + "\"}"),
                request -> ApiResponse.ok(Map.of("c", request.sixDigitCode("code"))));
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(body(response)).containsEntry("type", "urn:twofa:problem:invalid-request");
    }

    @Test
    void oversizedBody_is413Problem_refusedBeforeParsing() throws IOException {
        // One byte over the limit, and not even JSON: the size is refused first.
        String big = "{\"nonce\":\"" + "x".repeat(ApiRequest.MAX_BODY_BYTES - 11) + "\"}";
        assertThat(big.getBytes(StandardCharsets.UTF_8)).hasSize(ApiRequest.MAX_BODY_BYTES + 1);
        var response =
                run(event("u", big), request -> ApiResponse.ok(Map.of("n", request.optionalString("nonce", 8192))));
        assertThat(response.getStatusCode()).isEqualTo(413);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/problem+json");
        assertThat(body(response))
                .containsEntry("type", "urn:twofa:problem:payload-too-large")
                .containsEntry("status", 413)
                .containsEntry("detail", "The request body is larger than 4096 bytes.");

        String atLimit = big.substring(0, 11) + big.substring(12);
        var accepted = run(
                event("u", atLimit),
                request -> ApiResponse.ok(
                        Map.of("n", request.optionalString("nonce", 8192).isPresent())));
        assertThat(accepted.getStatusCode()).isEqualTo(200);
    }

    @Test
    void oversizedBody_countsUtf8Bytes_notCharacters() throws IOException {
        // 1366 characters of three UTF-8 bytes each: 4098 bytes + the JSON around them.
        String big = "{\"n\":\"" + "\u20ac".repeat(1366) + "\"}";
        var response = run(event("u", big), request -> ApiResponse.ok(Map.of("n", request.optionalString("n", 8192))));
        assertThat(response.getStatusCode()).isEqualTo(413);
    }

    @Test
    void fieldsOfTheRoute_anyOtherField_is400_withoutEchoingIt() throws IOException {
        var response = run(
                event("u", "{\"code\":\"123456\",\"recoverycode\":\"<script>\"}"),
                request -> ApiResponse.ok(
                        Map.of("c", request.fields("code", "recoveryCode").sixDigitCode("code"))));
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(body(response))
                .containsEntry("type", "urn:twofa:problem:invalid-request")
                .containsEntry("field", "body");
        assertThat(response.getBody()).doesNotContain("recoverycode").doesNotContain("script");

        var ok = run(
                event("u", "{\"code\":\"123456\"}"),
                request -> ApiResponse.ok(
                        Map.of("c", request.fields("code", "recoveryCode").sixDigitCode("code"))));
        assertThat(ok.getStatusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "5.5", "-1", "+5", " 5", "007", "1e1", "1234567"})
    void queryInt_thatIsNotAPlainWholeNumber_is400(String limit) throws IOException {
        var event = event("u", null);
        event.setQueryStringParameters(Map.of("limit", limit));
        var response = run(event, request -> ApiResponse.ok(Map.of("n", request.queryInt("limit", 20))));
        assertThat(response.getStatusCode()).as(limit).isEqualTo(400);
        assertThat(body(response)).containsEntry("field", "limit");
    }

    @Test
    void queryInt_absentIsTheFallback_andAWholeNumberIsRead() {
        var absent = run(event("u", null), request -> ApiResponse.ok(Map.of("n", request.queryInt("limit", 20))));
        assertThat(absent.getBody()).isEqualTo("{\"n\":20}");
        var event = event("u", null);
        event.setQueryStringParameters(Map.of("limit", "50"));
        assertThat(run(event, request -> ApiResponse.ok(Map.of("n", request.queryInt("limit", 20))))
                        .getBody())
                .isEqualTo("{\"n\":50}");
    }

    @Test
    void nullForAStringField_isRefused_notTakenAsAbsent() throws IOException {
        var response = run(
                event("u", "{\"code\":\"123456\",\"recoveryCode\":null}"),
                request -> ApiResponse.ok(
                        Map.of("c", request.credential().getClass().getSimpleName())));
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(body(response)).containsEntry("field", "recoveryCode");
    }

    @Test
    void maxLength_countsCodePoints_asJsonSchemaDoes() throws IOException {
        // Four emoji are eight UTF-16 chars but four characters for docs/openapi.yaml's maxLength.
        String four = "\ud83d\ude00".repeat(4);
        var ok = run(
                event("u", "{\"t\":\"" + four + "\"}"),
                request -> ApiResponse.ok(
                        Map.of("t", request.requiredString("t", 4).length())));
        assertThat(ok.getStatusCode()).isEqualTo(200);
        var tooLong = run(
                event("u", "{\"t\":\"" + four + "x\"}"),
                request -> ApiResponse.ok(
                        Map.of("t", request.requiredString("t", 4).length())));
        assertThat(tooLong.getStatusCode()).isEqualTo(400);
    }

    @Test
    void base64Body_isDecoded() {
        var event = event(
                "u", Base64.getEncoder().encodeToString("{\"code\":\"123456\"}".getBytes(StandardCharsets.UTF_8)));
        event.setIsBase64Encoded(true);
        var response = run(event, request -> ApiResponse.ok(Map.of("c", request.sixDigitCode("code"))));
        assertThat(response.getBody()).isEqualTo("{\"c\":\"123456\"}");
    }

    @Test
    void credential_needsExactlyOneOfCodeAndRecoveryCode() {
        assertThat(run(event("u", "{}"), r -> ApiResponse.ok(r.credential())).getStatusCode())
                .isEqualTo(400);
        assertThat(run(
                                event("u", "{\"code\":\"123456\",\"recoveryCode\":\"ABCD-EFGH-JKMN\"}"),
                                r -> ApiResponse.ok(r.credential()))
                        .getStatusCode())
                .isEqualTo(400);
        var parsed = new ApiRequest(event("u", "{\"recoveryCode\":\"abcd efgh jkmn\"}")).credential();
        assertThat(parsed).isEqualTo(new Credential.RecoveryCode("ABCDEFGHJKMN"));
    }

    @Test
    void throttled_is429WithRetryAfter() throws IOException {
        var response = run(event("u", "{}"), request -> {
            throw new TwoFactorException.Throttled(17);
        });
        assertThat(response.getStatusCode()).isEqualTo(429);
        assertThat(response.getHeaders()).containsEntry("Retry-After", "17");
        assertThat(body(response)).containsEntry("type", "urn:twofa:problem:too-many-attempts");
    }

    @Test
    void retryableDependencyFault_is503WithRetryAfter_withoutItsMessage() {
        var response = run(event("u", "{}"), request -> {
            throw new DependencyException("KMS", true, "ThrottlingException secret-detail", null);
        });
        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(response.getHeaders()).containsKey("Retry-After");
        assertThat(response.getBody()).doesNotContain("secret-detail").doesNotContain("KMS");
    }

    @Test
    void permanentDependencyFault_is502() {
        var response = run(event("u", "{}"), request -> {
            throw new DependencyException("SES", false, "MessageRejected", null);
        });
        assertThat(response.getStatusCode()).isEqualTo(502);
    }

    @Test
    void unexpectedFailures_neverEchoTheirMessage() throws IOException {
        for (RuntimeException failure : new RuntimeException[] {
            new IllegalStateException("internal detail 42"), new SecretIntegrityException("user u-77 tampered", null)
        }) {
            var response = run(event("u", "{}"), request -> {
                throw failure;
            });
            assertThat(response.getStatusCode()).isEqualTo(500);
            assertThat(response.getBody())
                    .doesNotContain("42")
                    .doesNotContain("u-77")
                    .doesNotContain("at dev.");
            assertThat(body(response)).containsEntry("type", "urn:twofa:problem:internal");
        }
    }

    /** SES MessageRejected names addresses; the log keeps its error code and HTTP status only. */
    @Test
    void dependencyFault_logsTheErrorCodeAndStatus_neverTheLibrarysMessage() {
        var sdkFailure = new RuntimeException("Email address is not verified: ann@example.com, bob@example.com");
        var failure = new DependencyException("SES", false, "MessageRejected (HTTP 400)", sdkFailure);

        String log = Stdout.of(() -> run(event("u", "{}"), request -> {
            throw failure;
        }));

        assertThat(log)
                .contains("dependency fault: dev.twofa.port.DependencyException: SES: MessageRejected (HTTP 400)")
                .contains("Caused by: java.lang.RuntimeException")
                .contains("\tat dev.twofa.http.HttpTest")
                .doesNotContain("@example.com")
                .doesNotContain("not verified");
    }

    @Test
    void unexpectedFailure_logsItsClassAndFrames_butNotALibrarysMessage() {
        var failure = new IllegalArgumentException("For input string: \"+4520123456\"");

        String log = Stdout.of(() -> run(event("u", "{}"), request -> {
            throw failure;
        }));

        assertThat(log)
                .contains("unexpected failure: java.lang.IllegalArgumentException")
                .contains("\tat ")
                .doesNotContain("4520123456");
    }

    @Test
    void wrongExpiredAndReplayedCodes_shareOneBody() {
        var wrong = run(event("u", "{}"), r -> {
            throw new TwoFactorException.InvalidCode("wrong code");
        });
        var replayed = run(event("u", "{}"), r -> {
            throw new TwoFactorException.InvalidCode("replayed code");
        });
        assertThat(wrong.getStatusCode()).isEqualTo(400);
        assertThat(wrong.getBody()).isEqualTo(replayed.getBody());
    }

    /** AwsBudget's clock: it runs from the request's start, and only while the request runs. */
    @Test
    void theRequestClock_runsFromTheRequestsStart_andStopsWithIt_evenWhenItFails() {
        assertThat(RequestClock.elapsed()).isEmpty();
        AtomicReference<Optional<Duration>> seen = new AtomicReference<>(Optional.empty());
        long before = System.nanoTime();
        var ok = run(event("user-1", "{}"), request -> {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            seen.set(RequestClock.elapsed());
            return ApiResponse.ok(Map.of());
        });
        long after = System.nanoTime();
        assertThat(ok.getStatusCode()).isEqualTo(200);
        assertThat(seen.get()).hasValueSatisfying(elapsed -> assertThat(elapsed)
                .isBetween(Duration.ofMillis(2), Duration.ofNanos(after - before)));
        assertThat(RequestClock.elapsed()).isEmpty();

        seen.set(Optional.empty());
        var refused = run(event("user-1", "{}"), request -> {
            seen.set(RequestClock.elapsed());
            throw new TwoFactorException.WrongState("no factor");
        });
        assertThat(refused.getStatusCode()).isEqualTo(409);
        assertThat(seen.get()).isPresent();
        assertThat(RequestClock.elapsed()).isEmpty();
    }
}
