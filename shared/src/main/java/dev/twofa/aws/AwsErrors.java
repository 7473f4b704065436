package dev.twofa.aws;

import dev.twofa.port.DependencyException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns SDK failures into {@link DependencyException}, deciding once whether a retry can help. */
public final class AwsErrors {
    private AwsErrors() {}

    public static DependencyException translate(String dependency, SdkException e) {
        return new DependencyException(dependency, isRetryable(e), describe(e), e);
    }

    /** Throttling, 5xx and network faults pass; validation and access errors need an operator. */
    static boolean isRetryable(SdkException e) {
        if (e instanceof SdkClientException) {
            return true;
        }
        if (e instanceof AwsServiceException service) {
            return service.isThrottlingException() || service.statusCode() >= 500;
        }
        return false;
    }

    /**
     * The service's error code and HTTP status only: never the SDK message, which can carry request
     * data (SES MessageRejected names email addresses) and ends up in logs through this message.
     */
    private static String describe(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            return service.awsErrorDetails().errorCode() + " (HTTP " + service.statusCode() + ")";
        }
        return e.getClass().getSimpleName();
    }
}
