package dev.twofa.it.deployment;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import dev.twofa.testing.ApiEvents;
import dev.twofa.wiring.Wiring;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The functions of template.yaml run in this JVM as Lambda runs them: the handler class named in
 * the template, built with the use case its one-argument constructor takes (from the production
 * wiring on the emulators), called with an event the Lambda runtime's own serializer read.
 */
final class InProcessApi implements Givens.Driver {
    private static final PojoSerializer<APIGatewayV2HTTPEvent> EVENTS = LambdaEventSerializers.serializerFor(
            APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPEvent.class.getClassLoader());

    private final TestApp app;
    private final List<SamTemplate.Function> functions;
    private final String sub;
    private final String email;

    InProcessApi(TestApp app, List<SamTemplate.Function> functions, String sub, String email) {
        this.app = app;
        this.functions = functions;
        this.sub = sub;
        this.email = email;
    }

    static APIGatewayV2HTTPEvent readEvent(String json) {
        return EVENTS.fromJson(json);
    }

    /** Builds the handler the way tools/local-run does: its constructor that takes the use case. */
    static Object handler(SamTemplate.Function function, Wiring wiring) {
        try {
            Class<?> type = Class.forName(function.handlerClass());
            for (Constructor<?> constructor : type.getConstructors()) {
                if (constructor.getParameterCount() == 1) {
                    return constructor.newInstance(wiring.useCase(constructor.getParameterTypes()[0]));
                }
            }
            throw new AssertionError(type.getName() + " has no public one-argument constructor taking its use case");
        } catch (ClassNotFoundException e) {
            throw new AssertionError("template.yaml names handler " + function.handlerClass()
                    + ", which is not on the class path (is functions/" + function.module()
                    + " a test dependency of tests/integration?)");
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot build " + function.handlerClass(), e);
        }
    }

    static Givens.Reply invoke(SamTemplate.Function function, Object handler, APIGatewayV2HTTPEvent event) {
        Method method = null;
        for (Method m : handler.getClass().getMethods()) {
            if (m.getName().equals(function.handlerMethod())
                    && m.getParameterCount() == 2
                    && m.getParameterTypes()[0].isAssignableFrom(APIGatewayV2HTTPEvent.class)) {
                method = m;
            }
        }
        if (method == null) {
            throw new AssertionError(function.handlerClass() + "::" + function.handlerMethod()
                    + "(APIGatewayV2HTTPEvent, Context) not found");
        }
        try {
            APIGatewayV2HTTPResponse response =
                    (APIGatewayV2HTTPResponse) method.invoke(handler, event, context(function));
            return new Givens.Reply(
                    response.getStatusCode(),
                    response.getHeaders() == null ? Map.of() : response.getHeaders(),
                    response.getBody());
        } catch (InvocationTargetException e) {
            throw new AssertionError(function.logicalId() + " threw instead of answering", e.getCause());
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    /** A Lambda context with a request id and the function's name; the handlers use neither. */
    static Context context(SamTemplate.Function function) {
        String requestId = UUID.randomUUID().toString();
        return (Context) Proxy.newProxyInstance(
                Context.class.getClassLoader(),
                new Class<?>[] {Context.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "getAwsRequestId" -> requestId;
                    case "getFunctionName" -> function.logicalId();
                    case "getFunctionVersion" -> "$LATEST";
                    case "getRemainingTimeInMillis" -> 10_000;
                    case "getMemoryLimitInMB" -> 1024;
                    case "toString" -> "Context[" + function.logicalId() + "]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }

    SamTemplate.Function routeFunction(String method, String path) {
        return functions.stream()
                .filter(f -> f.routes().stream()
                        .anyMatch(r -> r.method().equals(method) && r.path().equals(path)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("template.yaml has no route " + method + " " + path));
    }

    @Override
    public Givens.Reply call(String method, String path, String body) {
        SamTemplate.Function function = routeFunction(method, path);
        APIGatewayV2HTTPEvent event = ApiEvents.route(method + " " + path)
                .user(sub, email)
                .client("198.51.100.23", "deployment-test")
                .body(body)
                .build();
        return invoke(function, handler(function, app.wiring()), event);
    }

    @Override
    public String activationToken() {
        return Enrollment.activationTokenSentTo(email);
    }

    @Override
    public String smsCode(String e164) {
        return Sms.lastCode(e164);
    }

    @Override
    public void nextSmsWindow() {
        app.clock.advance(Duration.ofSeconds(31));
    }

    @Override
    public Instant now() {
        return app.clock.instant();
    }
}
