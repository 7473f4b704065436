package dev.twofa.it.support;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Makes one chosen call of a real SDK client fail as a network fault would, before it leaves: the
 * adapters under test are the production ones, the emulators answer every other call. Armed for
 * one matching request at a time; {@link #fired()} tells a test the fault was really met (a test
 * whose fault never fires would prove nothing).
 */
public final class FaultInjector implements ExecutionInterceptor {
    private final AtomicReference<Predicate<SdkRequest>> armed = new AtomicReference<>();
    private volatile boolean fired;

    /** The next request of this operation (e.g. "Sign", "TransactWriteItems", "Publish") fails. */
    public void failNext(String operation) {
        failNext(request -> operationOf(request).equals(operation));
    }

    /** The next request {@code matching} fails. */
    public void failNext(Predicate<SdkRequest> matching) {
        fired = false;
        armed.set(matching);
    }

    public boolean fired() {
        return fired;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        Predicate<SdkRequest> matching = armed.get();
        if (matching != null && matching.test(context.request()) && armed.compareAndSet(matching, null)) {
            fired = true;
            throw SdkClientException.create("injected fault: " + operationOf(context.request()));
        }
    }

    private static String operationOf(SdkRequest request) {
        return request.getClass().getSimpleName().replaceAll("Request$", "");
    }
}
