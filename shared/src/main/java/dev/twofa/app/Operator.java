package dev.twofa.app;

import java.util.Objects;

/**
 * Who ran an operator function, as the invocation told it: an identity and the Lambda request id,
 * which also finds the Invoke call (and the IAM principal behind it) in CloudTrail.
 */
public record Operator(String identity, String requestId) {
    public Operator {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(requestId, "requestId");
    }
}
