package dev.twofa.port;

/**
 * A fault in a dependency (KMS, DynamoDB, SES…). Adapters translate SDK errors into this so the
 * use cases and the HTTP mapping never see AWS types. {@code retryable} means a later attempt may
 * succeed (throttling, timeouts, 5xx): the caller gets 503 with Retry-After; otherwise 502.
 */
public final class DependencyException extends RuntimeException {
    private final String dependency;
    private final boolean retryable;

    public DependencyException(String dependency, boolean retryable, String message, Throwable cause) {
        super(dependency + ": " + message, cause);
        this.dependency = dependency;
        this.retryable = retryable;
    }

    public String dependency() {
        return dependency;
    }

    public boolean retryable() {
        return retryable;
    }
}
