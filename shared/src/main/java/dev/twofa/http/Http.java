package dev.twofa.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import dev.twofa.app.api.TwoFactorException;
import dev.twofa.domain.sms.InvalidPhoneNumberException;
import dev.twofa.port.DependencyException;
import dev.twofa.port.SecretIntegrityException;
import dev.twofa.port.SmsRejectedException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The one place a request becomes a response: runs the handler's action and maps any failure
 * through {@link Problems}. Every response is {@code no-store}: some carry secrets and codes.
 */
public final class Http {
    private Http() {}

    public static APIGatewayV2HTTPResponse handle(
            APIGatewayV2HTTPEvent event, Function<ApiRequest, ApiResponse> action) {
        // Dependency calls check the request's time budget against this start (AwsBudget).
        RequestClock.start();
        try {
            ApiResponse response = action.apply(new ApiRequest(event));
            return respond(response.status(), "application/json", Json.write(response.body()), response.headers());
        } catch (RuntimeException failure) {
            log(event, failure);
            Problems.Problem problem = Problems.of(failure);
            return respond(problem.status(), "application/problem+json", Json.write(problem.body()), problem.headers());
        } finally {
            RequestClock.clear();
        }
    }

    private static APIGatewayV2HTTPResponse respond(
            int status, String contentType, String body, Map<String, String> extraHeaders) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        headers.put("Cache-Control", "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.putAll(extraHeaders);
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(headers)
                .withBody(body)
                .withIsBase64Encoded(false)
                .build();
    }

    /**
     * Expected outcomes are logged briefly; faults with their stack trace, for operators only; a
     * step-up asked for and a dependency fault are counted too ({@link Metrics}). A
     * dependency fault is its service's error code and HTTP status (DependencyException's message,
     * see AwsErrors), never the SDK's text: SES MessageRejected, for one, quotes email addresses.
     */
    private static void log(APIGatewayV2HTTPEvent event, RuntimeException failure) {
        String route = event.getRouteKey() == null ? "?" : event.getRouteKey();
        switch (failure) {
            case TwoFactorException e -> {
                Log.log(LogLevel.INFO, route + " refused: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                if (e instanceof TwoFactorException.StepUpRequired) {
                    Metrics.count("StepUpRequired", Map.of(), Instant.now());
                }
            }
            case DependencyException e -> {
                Log.log(LogLevel.WARN, route + " dependency fault: " + Log.trace(e));
                Metrics.count(
                        "DependencyFaults", Map.of("Service", SecurityMetrics.service(e.dependency())), Instant.now());
            }
            case InvalidPhoneNumberException e ->
                Log.log(LogLevel.INFO, route + " refused: phone number " + e.reason());
            case SmsRejectedException e -> Log.log(LogLevel.WARN, route + " SMS rejected: " + e.reason());
            case SecretIntegrityException e ->
                Log.log(LogLevel.ERROR, route + " SECURITY integrity failure: " + e.getMessage());
            default -> Log.log(LogLevel.ERROR, route + " unexpected failure: " + Log.trace(failure));
        }
    }
}
