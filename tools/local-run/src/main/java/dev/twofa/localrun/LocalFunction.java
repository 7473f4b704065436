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

/**
 * One function of the template, initialised once as Lambda would: the handler class named by
 * {@code Handler}, built through its injecting constructor with the use case {@link Wiring} makes
 * for that constructor's parameter type. The no-argument constructor is never used: it wires AWS
 * from the Lambda environment.
 */
final class LocalFunction {
    private final String name;
    private final Object handler;
    private final Method method;

    private LocalFunction(String name, Object handler, Method method) {
        this.name = name;
        this.handler = handler;
        this.method = method;
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
        try {
            Object useCase = wiring.useCase(constructor.getParameterTypes()[0]);
            return new LocalFunction(route.function(), constructor.newInstance(useCase), method);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(where + ": constructor failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(where + ": cannot be instantiated: " + e, e);
        }
    }

    String name() {
        return name;
    }

    APIGatewayV2HTTPResponse invoke(APIGatewayV2HTTPEvent event, Context context) {
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
