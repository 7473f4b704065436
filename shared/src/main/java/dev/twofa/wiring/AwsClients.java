package dev.twofa.wiring;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * What every SDK client of a function shares: the region (AWS_REGION), one url-connection HTTP
 * client, the default credentials chain (a hard-coded environment provider breaks under SnapStart),
 * AWS_ENDPOINT_URL for emulators, and the time budget's timeouts and retries ({@link AwsBudget}). The HTTP client answers priming's calls locally ({@link
 * PrimingHttpClient}). Only SDK core classes, which every function jar ships with
 * any client; the clients themselves are built by the per-SDK factories.
 */
final class AwsClients {
    private final Region region;
    private final Optional<URI> endpoint;
    private final AwsBudget budget;
    private final Lazy<SdkHttpClient> http;

    AwsClients(Region region, Optional<URI> endpoint, AwsBudget budget) {
        this.region = region;
        this.endpoint = endpoint;
        this.budget = budget;
        this.http = new Lazy<>(() -> new PrimingHttpClient(budget.httpClient().build()));
    }

    /** Every client gets the budget's timeouts, retry strategy and deadline check ({@link AwsBudget}). */
    <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C build(B builder) {
        builder.region(region).httpClient(http.get()).overrideConfiguration(o -> o.apiCallTimeout(budget.callTimeout())
                .apiCallAttemptTimeout(budget.attemptTimeout())
                .retryStrategy(budget.retryStrategy())
                .addExecutionInterceptor(budget.deadline()));
        endpoint.ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
