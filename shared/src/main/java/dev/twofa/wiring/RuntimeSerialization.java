package dev.twofa.wiring;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The Lambda Java runtime's own event serialization, for priming: the runtime reads each API Gateway
 * event into an {@link APIGatewayV2HTTPEvent} and writes each response with its serializers for
 * the one Jackson mapper of aws-lambda-java-serialization (which the runtime ships and the function
 * jar does not). Its first use loads and links a shaded Jackson and builds the (de)serializers of
 * these classes, about a fifth of an unprimed first request: priming reads and writes through the
 * same mapper once, so the runtime finds them built.
 *
 * <p>Reached by reflection because it is the runtime's, not ours: outside Lambda (tests, the local
 * run) it is absent and priming builds its event by hand instead. The serializers it returns are
 * the ones the runtime builds for the same classes ({@code JacksonFactory.getInstance().getSerializer}).
 */
public final class RuntimeSerialization {
    /** What the runtime (2.x, EventHandlerLoader.getSerializer) uses for a POJO handler's input and output types. */
    static final String FACTORY = "com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory";

    private static final String POJO_SERIALIZER = "com.amazonaws.services.lambda.runtime.serialization.PojoSerializer";

    private final Object events;
    private final Object responses;
    private final Method fromJson;
    private final Method toJson;

    private RuntimeSerialization(Object events, Object responses, Method fromJson, Method toJson) {
        this.events = events;
        this.responses = responses;
        this.fromJson = fromJson;
        this.toJson = toJson;
    }

    /** The runtime's serializers, or one that does nothing when this JVM has no Lambda runtime. */
    static RuntimeSerialization find() {
        ClassLoader loader = RuntimeSerialization.class.getClassLoader();
        try {
            Class<?> factoryClass = Class.forName(FACTORY, true, loader);
            Class<?> pojo = Class.forName(POJO_SERIALIZER, true, loader);
            Object factory = factoryClass.getMethod("getInstance").invoke(null);
            Method serializerFor = factoryClass.getMethod("getSerializer", Type.class);
            return new RuntimeSerialization(
                    serializerFor.invoke(factory, APIGatewayV2HTTPEvent.class),
                    serializerFor.invoke(factory, APIGatewayV2HTTPResponse.class),
                    pojo.getMethod("fromJson", InputStream.class),
                    pojo.getMethod("toJson", Object.class, OutputStream.class));
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            return new RuntimeSerialization(null, null, null, null);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("the runtime's event serializers failed", e);
        }
    }

    /**
     * Reads {@code eventJson} as the runtime would and writes an empty 200 the same way: the part of
     * priming that any handler of the HTTP API signature can do, whatever its request path. The
     * benchmark's floor handler (tools/bench) primes with this alone, so the floor is primed as far as
     * the functions' runtime side is.
     */
    public static void readAndWrite(String eventJson) {
        RuntimeSerialization runtime = find();
        runtime.event(eventJson);
        runtime.write(APIGatewayV2HTTPResponse.builder()
                .withStatusCode(200)
                .withHeaders(java.util.Map.of("Content-Type", "application/json"))
                .withBody("{}")
                .build());
    }

    boolean present() {
        return events != null;
    }

    /** The event as the runtime would read it from {@code json}; empty without a runtime. */
    Optional<APIGatewayV2HTTPEvent> event(String json) {
        if (!present()) {
            return Optional.empty();
        }
        try {
            return Optional.of((APIGatewayV2HTTPEvent)
                    fromJson.invoke(events, new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("the runtime could not read the priming event", e);
        }
    }

    /** Writes {@code response} as the runtime would, to nowhere; nothing without a runtime. */
    void write(APIGatewayV2HTTPResponse response) {
        if (!present()) {
            return;
        }
        try {
            toJson.invoke(responses, response, OutputStream.nullOutputStream());
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("the runtime could not write the priming response", e);
        }
    }
}
