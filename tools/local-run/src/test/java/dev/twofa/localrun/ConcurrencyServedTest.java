package dev.twofa.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.jr.ob.JSON;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each function serves many requests at once, each on a handler instance of its own, as Lambda
 * gives each concurrent request its own execution environment: the local run is the real one
 * (template, server, authorizer), with StatusFunction's handler swapped for one that waits at a
 * barrier until {@link #IN_FLIGHT} requests are inside it together.
 */
class ConcurrencyServedTest {
    private static final int IN_FLIGHT = 32;

    /**
     * Only a guard against hanging: with fewer than {@link #IN_FLIGHT} requests let in at once the
     * barrier never trips, every waiting handler gives up after this long, and the test fails.
     */
    private static final Duration GUARD = Duration.ofSeconds(30);

    @RegisterExtension
    static final LocalRunFixture LOCAL = LocalRunFixture.withDefaults()
            .withFunctions((route, wiring) -> route.function().equals("StatusFunction")
                    ? new LocalFunction(route.function(), BarrierHandler::new, LocalFunction.MAX_INSTANCES)
                    : LocalFunction.load(route, wiring));

    private static final CyclicBarrier ALL_INSIDE = new CyclicBarrier(IN_FLIGHT);
    private static final Set<Object> INSTANCES_SEEN = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger INSIDE = new AtomicInteger();
    private static final AtomicInteger MOST_INSIDE = new AtomicInteger();

    @Test
    void oneFunction_has32RequestsInsideItsHandlerAtOnce_eachOnAnInstanceOfItsOwn() throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(GUARD)
                .build();
        String token = devToken(http);

        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT; i++) {
            responses.add(http.sendAsync(
                    HttpRequest.newBuilder(URI.create(LOCAL.baseUrl() + "/2fa/status"))
                            .header("Authorization", "Bearer " + token)
                            .timeout(GUARD.plusSeconds(30))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }

        for (CompletableFuture<HttpResponse<String>> response : responses) {
            HttpResponse<String> answer = response.get(GUARD.toSeconds() + 60, TimeUnit.SECONDS);
            assertThat(answer.statusCode())
                    .as("every request met the other %d inside the handler: %s", IN_FLIGHT - 1, answer.body())
                    .isEqualTo(200);
        }
        assertThat(INSTANCES_SEEN).as("handler instances that served them").hasSize(IN_FLIGHT);
    }

    /** Waits until {@link #IN_FLIGHT} requests are inside a handler together; 500 if they never are. */
    static final class BarrierHandler implements LocalFunction.Handler {
        @Override
        public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, Context context) {
            INSTANCES_SEEN.add(this);
            MOST_INSIDE.accumulateAndGet(INSIDE.incrementAndGet(), Math::max);
            try {
                ALL_INSIDE.await(GUARD.toSeconds(), TimeUnit.SECONDS);
                return APIGatewayV2HTTPResponse.builder()
                        .withStatusCode(200)
                        .withBody("{\"together\":" + IN_FLIGHT + "}")
                        .build();
            } catch (TimeoutException | BrokenBarrierException e) {
                return APIGatewayV2HTTPResponse.builder()
                        .withStatusCode(500)
                        .withBody("at most " + MOST_INSIDE.get() + " requests were inside the handler at once")
                        .build();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                INSIDE.decrementAndGet();
            }
        }
    }

    private static String devToken(HttpClient http) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(LOCAL.baseUrl() + "/dev/token"))
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.std.asString(Map.of("sub", "many"))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return (String) JSON.std.mapFrom(response.body()).get("token");
    }
}
