package dev.twofa.app.api;

import java.util.Objects;

/**
 * Who ran an operator action, as API Gateway's IAM authorizer verified it: the caller's ARN (for a
 * support engineer, the assumed support role and their session name) and the API request id, which
 * finds the request in the access log. Never a name the caller declared.
 */
public record Operator(String arn, String requestId) {
    public Operator {
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(requestId, "requestId");
    }
}
