package dev.twofa.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.aws.store.DynamoKeyItems;
import dev.twofa.config.Config;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.port.DependencyException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The SDK defaults outlive a 10 s function (9 DynamoDB attempts, 30 s reads, no call timeout): every
 * client gets its timeouts and retries from one budget, and a hanging dependency ends as a retryable
 * DependencyException (503), not as Lambda's timeout. The fault tier (FaultMatrixIT) runs every flow
 * against throttling, 500s, dropped connections and hangs through the real adapters.
 */
class AwsBudgetTest {
    private ServerSocket silent;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    /** A dependency that accepts connections and never answers. */
    @BeforeEach
    void silentServer() throws IOException {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!silent.isClosed()) {
                try {
                    Socket s = silent.accept();
                    connections.incrementAndGet();
                    accepted.add(s);
                    Thread.ofVirtual().start(() -> drain(s));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void stop() throws IOException {
        silent.close();
        for (Socket s : accepted) {
            s.close();
        }
    }

    @Test
    void defaults_fitTheTenSecondFunction() {
        AwsBudget budget = AwsBudget.from(new Config(Map.of()));

        assertThat(budget.budget()).isEqualTo(Duration.ofSeconds(8));
        assertThat(budget.callTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(budget.attemptTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(budget.connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(budget.retryStrategy().maxAttempts()).isEqualTo(3);
    }

    @Test
    void setting_scalesEveryTimeout_andRefusesValuesOutsideItsRange() {
        AwsBudget budget = AwsBudget.from(new Config(Map.of("TWOFA_AWS_BUDGET_MS", "4000")));

        assertThat(budget.callTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(budget.attemptTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> AwsBudget.from(new Config(Map.of("TWOFA_AWS_BUDGET_MS", "999"))))
                .hasMessageContaining("TWOFA_AWS_BUDGET_MS");
        assertThatThrownBy(() -> AwsBudget.from(new Config(Map.of("TWOFA_AWS_BUDGET_MS", "8s"))))
                .hasMessageContaining("TWOFA_AWS_BUDGET_MS");
    }

    @Test
    void everyClient_carriesTheBudgetsTimeoutsAndRetries() {
        try (DynamoDbClient dynamo = clients(8000).build(dynamoBuilder())) {
            var override = dynamo.serviceClientConfiguration().overrideConfiguration();

            assertThat(override.apiCallTimeout()).contains(Duration.ofSeconds(3));
            assertThat(override.apiCallAttemptTimeout()).contains(Duration.ofSeconds(1));
            assertThat(override.retryStrategy().orElseThrow().maxAttempts()).isEqualTo(3);
        }
    }

    @Test
    void hangingDependency_endsAsATimeout_thatTheAdaptersReportAsRetryable() {
        try (DynamoDbClient dynamo = clients(1000).build(dynamoBuilder())) {
            assertThatThrownBy(() -> dynamo.getItem(r -> r.tableName("t").key(Map.of())))
                    .isInstanceOfAny(ApiCallTimeoutException.class, ApiCallAttemptTimeoutException.class)
                    .isInstanceOf(SdkClientException.class);

            assertThatThrownBy(() -> new DynamoKeyItems(dynamo, "t").keys("assertion"))
                    .isInstanceOfSatisfying(DependencyException.class, e -> assertThat(e.retryable())
                            .isTrue());
            assertThat(Thread.currentThread().isInterrupted())
                    .as("the timeout's interrupt is not left behind")
                    .isFalse();
        }
    }

    @Test
    void callThatCannotEndInsideTheRequestsBudget_isNotStarted_andAnswers503() {
        try (DynamoDbClient dynamo = clients(1000).build(dynamoBuilder())) {
            // Budget 1 s, call timeout 375 ms: after 700 ms of the request no call may start.
            APIGatewayV2HTTPResponse response = Http.handle(new APIGatewayV2HTTPEvent(), request -> {
                sleep(700);
                new DynamoKeyItems(dynamo, "t").keys("assertion");
                return ApiResponse.ok(Map.of());
            });

            assertThat(response.getStatusCode()).isEqualTo(503);
            assertThat(response.getHeaders()).containsKey("Retry-After");
            assertThat(response.getBody()).contains("urn:twofa:problem:dependency-unavailable");
            assertThat(connections).as("nothing sent").hasValue(0);
        }
    }

    @Test
    void outsideARequest_callsAreNotRefusedByTheDeadline() {
        try (DynamoDbClient dynamo = clients(1000).build(dynamoBuilder())) {
            assertThatThrownBy(() -> dynamo.getItem(r -> r.tableName("t").key(Map.of())))
                    .isInstanceOfAny(ApiCallTimeoutException.class, ApiCallAttemptTimeoutException.class);
            assertThat(connections.get()).as("the call went out").isPositive();
        }
    }

    private AwsClients clients(int budgetMillis) {
        return new AwsClients(
                Region.EU_WEST_1,
                Optional.of(URI.create("http://127.0.0.1:" + silent.getLocalPort())),
                AwsBudget.from(new Config(Map.of("TWOFA_AWS_BUDGET_MS", Integer.toString(budgetMillis)))));
    }

    private static software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder dynamoBuilder() {
        return DynamoDbClient.builder()
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
    }

    private static void drain(Socket s) {
        try (InputStream in = s.getInputStream()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException closed) {
            // the client gave up: what the test waits for
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
