package dev.twofa.wiring;

import dev.twofa.config.Config;
import dev.twofa.http.RequestClock;
import java.time.Duration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * The time a request may spend on AWS calls, and every SDK timeout derived from it, so that a
 * throttled or hanging dependency is answered with our 503 before Lambda kills the function (whose
 * caller would get API Gateway's bare 500 and whose writes could stop half way).
 *
 * <p>One setting, TWOFA_AWS_BUDGET_MS (default 8000: the 10 s function timeout less 2 s to answer):
 *
 * <ul>
 *   <li>one call (every attempt and back-off): 3/8 of the budget (3 s);
 *   <li>one attempt: a third of that (1 s; DynamoDB and KMS answer in tens of ms, SES and SNS in
 *       hundreds), also the socket read timeout; connecting: half an attempt;
 *   <li>at most 3 attempts with the SDK's standard back-off (the SDK default for DynamoDB is 9 with
 *       no call timeout, which is how a throttled table took 52–58 s);
 *   <li>a call starts only if it can end inside the budget (elapsed + call timeout &le; budget, from
 *       the request's start, {@link RequestClock}): a request with slow calls behind it answers 503
 *       instead of starting one it cannot finish.
 * </ul>
 */
record AwsBudget(Duration budget) {
    static final String SETTING = "TWOFA_AWS_BUDGET_MS";
    static final int DEFAULT_MILLIS = 8000;
    static final int MAX_ATTEMPTS = 3;

    static AwsBudget from(Config config) {
        return new AwsBudget(Duration.ofMillis(config.integer(SETTING, DEFAULT_MILLIS, 1000, 60_000)));
    }

    Duration callTimeout() {
        return budget.multipliedBy(3).dividedBy(8);
    }

    Duration attemptTimeout() {
        return callTimeout().dividedBy(MAX_ATTEMPTS);
    }

    Duration connectTimeout() {
        return attemptTimeout().dividedBy(2);
    }

    /** The SDK's standard strategy (AWS retry conditions, throttling back-off), capped at three attempts. */
    RetryStrategy retryStrategy() {
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(MAX_ATTEMPTS)
                .build();
    }

    UrlConnectionHttpClient.Builder httpClient() {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(connectTimeout())
                .socketTimeout(attemptTimeout());
    }

    /** Refuses a call that could not end inside the request's budget; outside a request, lets every call through. */
    ExecutionInterceptor deadline() {
        return new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                RequestClock.elapsed().ifPresent(elapsed -> {
                    if (elapsed.plus(callTimeout()).compareTo(budget) > 0) {
                        // An SdkClientException, so the adapters report it like a timeout: retryable, 503.
                        throw SdkClientException.create("request time budget spent");
                    }
                });
            }
        };
    }
}
