package dev.twofa.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Priming's calls are answered in the process, and only priming's: a request made outside it, or on
 * another thread while it runs (a real request during a restore, say), must reach AWS; one made by
 * priming must never leave, whatever its action, or priming would write items, use keys and send
 * messages before the snapshot.
 */
class PrimingHttpClientTest {
    private final RecordingHttpClient network = new RecordingHttpClient();
    private final PrimingHttpClient http = new PrimingHttpClient(network);

    @Test
    void everyActionPrimingMakes_isAnsweredLocally_andNothingReachesTheNetwork() {
        // GIVEN clients of every SDK a function may ship, on the priming HTTP client
        DynamoDbClient dynamo = client(DynamoDbClient.builder());
        KmsClient kms = client(KmsClient.builder());
        SesClient ses = client(SesClient.builder());
        SnsClient sns = client(SnsClient.builder());
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("#priming"));

        // WHEN the writes, key uses and sends are made while priming
        List<Object> answers = new ArrayList<>();
        PrimingHttpClient.answeringLocally(() -> {
            answers.add(dynamo.putItem(r -> r.tableName("t").item(key)));
            answers.add(dynamo.transactWriteItems(
                    r -> r.transactItems(t -> t.delete(d -> d.tableName("t").key(key)))));
            answers.add(dynamo.query(r -> r.tableName("t").keyConditionExpression("pk = :p")));
            answers.add(kms.decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(new byte[8]))));
            answers.add(kms.sign(r -> r.keyId("k").message(SdkBytes.fromByteArray(new byte[8]))));
            answers.add(ses.sendEmail(r -> r.source("a@example.invalid")));
            answers.add(sns.publish(r -> r.phoneNumber("+12025550100").message("m")));
        });

        // THEN each got a success answer, and not one request went out
        assertThat(answers).hasSize(7).doesNotContainNull();
        assertThat(network.sent).isEmpty();
    }

    @Test
    void outsidePriming_requestsGoToTheNetwork() {
        DynamoDbClient dynamo = client(DynamoDbClient.builder());

        // WHEN a call is made after priming has ended
        PrimingHttpClient.answeringLocally(() -> {});
        assertThatThrownBy(() -> dynamo.getItem(r -> r.tableName("t").key(Map.of("pk", AttributeValue.fromS("u")))))
                .isInstanceOf(RuntimeException.class);

        // THEN it went to the network (which refused it here)
        assertThat(network.sent).isNotEmpty();
        assertThat(PrimingHttpClient.isAnsweringLocally()).isFalse();
    }

    @Test
    void aFailureInsidePriming_stillEndsIt() {
        assertThatThrownBy(() -> PrimingHttpClient.answeringLocally(() -> {
                    throw new IllegalStateException("a step failed");
                }))
                .isInstanceOf(IllegalStateException.class);

        assertThat(PrimingHttpClient.isAnsweringLocally()).isFalse();
    }

    @Test
    void anotherThreadsRequest_whilePrimingRuns_goesToTheNetwork() throws Exception {
        DynamoDbClient dynamo = client(DynamoDbClient.builder());
        CountDownLatch primingStarted = new CountDownLatch(1);
        CountDownLatch otherDone = new CountDownLatch(1);

        // GIVEN priming in progress on one thread
        CompletableFuture<Void> priming = CompletableFuture.runAsync(() -> PrimingHttpClient.answeringLocally(() -> {
            primingStarted.countDown();
            try {
                otherDone.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(primingStarted.await(10, TimeUnit.SECONDS)).isTrue();

        // WHEN another thread makes a request meanwhile
        try {
            dynamo.getItem(r -> r.tableName("t").key(Map.of("pk", AttributeValue.fromS("u"))));
        } catch (RuntimeException refusedByTheTestNetwork) {
            // expected: the recording network answers nothing
        } finally {
            otherDone.countDown();
        }
        priming.get(10, TimeUnit.SECONDS);

        // THEN that request went out
        assertThat(network.sent).isNotEmpty();
    }

    private <
                    B extends
                            software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>
                                    & software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<B, C>,
                    C>
            C client(B builder) {
        return builder.region(Region.EU_WEST_1)
                .endpointOverride(URI.create("http://127.0.0.1:9"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
                .httpClient(http)
                .build();
    }

    /** The network: records each request and refuses it. */
    private static final class RecordingHttpClient implements SdkHttpClient {
        final List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            sent.add(request.httpRequest().getUri().toString());
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws IOException {
                    throw new IOException("the test network answers nothing");
                }

                @Override
                public void abort() {}
            };
        }

        @Override
        public void close() {}
    }
}
