package dev.twofa.localrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class LocalFunctionTest {
    /** Only a guard against hanging: every wait below ends as soon as its condition holds. */
    private static final Duration GUARD = Duration.ofSeconds(30);

    private static final APIGatewayV2HTTPEvent EVENT = new APIGatewayV2HTTPEvent();

    private final AtomicInteger made = new AtomicInteger();

    @Test
    void new_makesTheFirstInstanceAtOnce_soAFunctionThatCannotStartFailsTheRun() {
        new LocalFunction("Fn", countedInstance(), 4);

        assertThat(made).hasValue(1);
        assertThatThrownBy(() -> new LocalFunction(
                        "Broken",
                        () -> {
                            throw new IllegalStateException("constructor failed");
                        },
                        4))
                .hasMessage("constructor failed");
    }

    @Test
    void invoke_reusesTheWarmInstance_forRequestsOneAfterAnother() {
        Set<Object> served = ConcurrentHashMap.newKeySet();
        LocalFunction function = new LocalFunction("Fn", () -> recording(served), 4);

        for (int i = 0; i < 5; i++) {
            assertThat(function.invoke(EVENT, null).getStatusCode()).isEqualTo(200);
        }

        assertThat(function.instances()).isEqualTo(1);
        assertThat(served).hasSize(1);
    }

    @Test
    void invoke_givesEachRequestInFlightItsOwnInstance_upToTheLimit_thenMakesTheNextOneWait() throws Exception {
        int limit = 3;
        CountDownLatch inside = new CountDownLatch(limit);
        CountDownLatch release = new CountDownLatch(1);
        Set<Object> served = ConcurrentHashMap.newKeySet();
        LocalFunction function = new LocalFunction(
                "Fn",
                () -> new LocalFunction.Handler() {
                    @Override
                    public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, Context context) {
                        served.add(this);
                        inside.countDown();
                        await(release);
                        return ok();
                    }
                },
                limit);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Future<APIGatewayV2HTTPResponse>> calls = new ArrayList<>();
            for (int i = 0; i < limit; i++) {
                calls.add(threads.submit(() -> function.invoke(EVENT, null)));
            }
            assertThat(inside.await(GUARD.toSeconds(), TimeUnit.SECONDS))
                    .as("all %d requests inside the handler at once", limit)
                    .isTrue();

            // One more than the limit: no instance is made for it, it waits for one to be free.
            calls.add(threads.submit(() -> function.invoke(EVENT, null)));
            awaitCondition(() -> function.waiting() == 1, "the extra request to wait for an instance");
            assertThat(function.instances()).isEqualTo(limit);

            release.countDown();
            for (Future<APIGatewayV2HTTPResponse> call : calls) {
                assertThat(call.get(GUARD.toSeconds(), TimeUnit.SECONDS).getStatusCode())
                        .isEqualTo(200);
            }
            assertThat(served).hasSize(limit);
            assertThat(function.instances()).isEqualTo(limit);
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void invoke_keepsAnInstanceWhoseRequestFailed_butReplacesOneWhoseRuntimeFailed() {
        AtomicInteger calls = new AtomicInteger();
        LocalFunction function = new LocalFunction(
                "Fn",
                () -> {
                    made.incrementAndGet();
                    return (event, context) -> switch (calls.incrementAndGet()) {
                        case 1 -> throw new IllegalArgumentException("bad request");
                        case 2 -> throw new OutOfMemoryError("runtime gone");
                        default -> ok();
                    };
                },
                4);

        assertThatThrownBy(() -> function.invoke(EVENT, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(function.instances()).isEqualTo(1);
        assertThatThrownBy(() -> function.invoke(EVENT, null)).isInstanceOf(OutOfMemoryError.class);
        assertThat(function.instances()).isZero();
        assertThat(function.invoke(EVENT, null).getStatusCode()).isEqualTo(200);

        assertThat(function.instances()).isEqualTo(1);
        assertThat(made).as("cold starts").hasValue(2);
    }

    private Supplier<LocalFunction.Handler> countedInstance() {
        return () -> {
            made.incrementAndGet();
            return (event, context) -> ok();
        };
    }

    private static LocalFunction.Handler recording(Set<Object> served) {
        return new LocalFunction.Handler() {
            @Override
            public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, Context context) {
                served.add(this);
                return ok();
            }
        };
    }

    private static APIGatewayV2HTTPResponse ok() {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(200).build();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(GUARD.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
        Instant giveUp = Instant.now().plus(GUARD);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(giveUp)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
