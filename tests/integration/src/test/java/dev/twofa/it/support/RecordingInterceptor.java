package dev.twofa.it.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Records every request a client sends to the emulator, so tests can assert the exact condition
 * expression the store put on the wire (and not just the constant the code meant to use).
 */
public final class RecordingInterceptor implements ExecutionInterceptor {
    private final List<SdkRequest> requests = new CopyOnWriteArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        requests.add(context.request());
    }

    public <T extends SdkRequest> List<T> requestsOf(Class<T> type) {
        return requests.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The operations recorded, in order, by request type without "Request" (e.g. "GetItem"). */
    public List<String> operations() {
        return requests.stream()
                .map(r -> r.getClass().getSimpleName().replaceAll("Request$", ""))
                .toList();
    }

    public void clear() {
        requests.clear();
    }
}
