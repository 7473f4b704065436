package dev.twofa.localrun;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.wiring.Wiring;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One function of the template, run as Lambda runs it: each request in flight has a handler
 * instance of its own, as each concurrent Lambda request has an execution environment of its own.
 * Instances are made when no idle one is left, up to {@link #MAX_INSTANCES} (a request beyond that
 * waits for one to be free), and a finished one serves the next request, the most recently used
 * first. The first instance is made at once, so a function that cannot start fails the run at start.
 *
 * <p>An instance is the handler class named by {@code Handler}, built through its injecting
 * constructor with the use case {@link Wiring} makes for that constructor's parameter type. The
 * no-argument constructor is never used: it wires AWS from the Lambda environment.
 */
final class LocalFunction {
    /** Far above what a developer or a test sends at once; Lambda's default account limit is 1000. */
    static final int MAX_INSTANCES = 64;

    /** One execution environment's handler. */
    @FunctionalInterface
    interface Handler {
        APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, Context context);
    }

    private final String name;
    private final Supplier<Handler> newInstance;
    private final Semaphore slots;
    private final Deque<Handler> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger instances = new AtomicInteger();

    /**
     * @param newInstance makes one handler instance (a cold start)
     * @param maxInstances how many requests may be inside the function at once
     */
    LocalFunction(String name, Supplier<Handler> newInstance, int maxInstances) {
        if (maxInstances < 1) {
            throw new IllegalArgumentException("maxInstances must be at least 1");
        }
        this.name = name;
        this.newInstance = newInstance;
        // Fair: a request that waited for an instance is served before a later one.
        this.slots = new Semaphore(maxInstances, true);
        idle.push(coldStart());
    }

    static LocalFunction load(TemplateRoutes.Route route, Wiring wiring) {
        String where = route.function() + " (Handler " + route.handlerClass() + "::" + route.handlerMethod() + ")";
        Class<?> type;
        try {
            type = Class.forName(route.handlerClass(), true, LocalFunction.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(where + ": class not on the local run's class path", e);
        }
        Constructor<?> constructor = Arrays.stream(type.getConstructors())
                .filter(c -> c.getParameterCount() == 1)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        where + ": needs a public constructor taking its use case (for tests and the local run)"));
        Method method = Arrays.stream(type.getMethods())
                .filter(m -> m.getName().equals(route.handlerMethod()) && !Modifier.isStatic(m.getModifiers()))
                .filter(m -> m.getParameterCount() == 2
                        && m.getParameterTypes()[0].isAssignableFrom(APIGatewayV2HTTPEvent.class)
                        && m.getParameterTypes()[1] == Context.class)
                // The typed method, not the bridge javac adds for RequestHandler<I, O>.
                .min(Comparator.comparing(Method::isBridge))
                .orElseThrow(() -> new IllegalStateException(
                        where + ": no public method (APIGatewayV2HTTPEvent, Context) of that name"));
        Supplier<Handler> newInstance = () -> {
            Object handler;
            try {
                handler = constructor.newInstance(wiring.useCase(constructor.getParameterTypes()[0]));
            } catch (InvocationTargetException e) {
                throw new IllegalStateException(where + ": constructor failed: " + e.getCause(), e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(where + ": cannot be instantiated: " + e, e);
            }
            return (event, context) -> invoke(route.function(), method, handler, event, context);
        };
        return new LocalFunction(route.function(), newInstance, MAX_INSTANCES);
    }

    String name() {
        return name;
    }

    /** How many handler instances exist (busy or idle): the cold starts so far. */
    int instances() {
        return instances.get();
    }

    /** How many requests wait for an instance to be free. */
    int waiting() {
        return slots.getQueueLength();
    }

    /** Runs {@code event} on an idle instance, a new one if none is idle, or waits for one. */
    APIGatewayV2HTTPResponse invoke(APIGatewayV2HTTPEvent event, Context context) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + ": stopped while waiting for a free instance", e);
        }
        try {
            Handler handler = idle.poll();
            if (handler == null) {
                handler = coldStart();
            }
            try {
                APIGatewayV2HTTPResponse response = handler.handle(event, context);
                idle.push(handler);
                return response;
            } catch (RuntimeException e) {
                // A failed request leaves the instance in service, as Lambda keeps the environment.
                idle.push(handler);
                throw e;
            } catch (Error e) {
                // Lambda replaces an environment whose runtime failed; the next request gets a fresh one.
                instances.decrementAndGet();
                throw e;
            }
        } finally {
            slots.release();
        }
    }

    private Handler coldStart() {
        Handler handler = newInstance.get();
        instances.incrementAndGet();
        return handler;
    }

    private static APIGatewayV2HTTPResponse invoke(
            String name, Method method, Object handler, APIGatewayV2HTTPEvent event, Context context) {
        try {
            Object result = method.invoke(handler, event, context);
            if (!(result instanceof APIGatewayV2HTTPResponse response)) {
                throw new IllegalStateException(name + " returned " + result + ", not an APIGatewayV2HTTPResponse");
            }
            return response;
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(name + " failed", e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(name + " cannot be invoked", e);
        }
    }
}
