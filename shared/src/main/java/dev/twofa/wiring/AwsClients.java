package dev.twofa.wiring;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * What every SDK client of a function shares: the region (AWS_REGION), one url-connection HTTP
 * client, the default credentials chain (a hard-coded environment provider breaks under SnapStart),
 * and AWS_ENDPOINT_URL for emulators. The HTTP client answers priming's calls locally ({@link
 * PrimingHttpClient}). Only SDK core classes, which every function jar ships with
 * any client; the clients themselves are built by the per-SDK factories.
 */
final class AwsClients {
    private final Region region;
    private final Optional<URI> endpoint;
    private final Lazy<SdkHttpClient> http = new Lazy<>(() -> new PrimingHttpClient(UrlConnectionHttpClient.create()));

    AwsClients(Region region, Optional<URI> endpoint) {
        this.region = region;
        this.endpoint = endpoint;
    }

    <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C build(B builder) {
        builder.region(region).httpClient(http.get());
        endpoint.ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
