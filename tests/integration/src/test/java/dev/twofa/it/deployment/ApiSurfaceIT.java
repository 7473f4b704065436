package dev.twofa.it.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One API, described four times, kept equal: template.yaml's routes, the function modules that
 * serve them, events/ (one file per scenario) and docs/openapi.yaml; each checked against the
 * others in both directions, over whatever template.yaml lists. Every function is reached through
 * a route, the operator ones too (AWS_IAM): one way in. That each function has each of its places
 * at all (module, Makefile, handler, route, events) is FunctionChecklistIT's.
 */
class ApiSurfaceIT {
    private final SamTemplate template = SamTemplate.ofRepo();
    private final OpenApi openApi = OpenApi.ofRepo();
    private final List<SamTemplate.Function> functions = template.functions();

    /**
     * Every function has HttpApi routes only and a handler that takes API Gateway's payload 2.0
     * event: there is no second way in (no direct invocation with a hand-made input), so whatever
     * the event says about its caller came from API Gateway's authorizer.
     */
    @Test
    void everyFunction_isReachedThroughItsRoutes_andTakesPayload2Events() {
        List<String> problems = new ArrayList<>();
        for (SamTemplate.Function f : functions) {
            Map<String, Object> events = SamTemplate.map(f.properties().getOrDefault("Events", Map.of()));
            if (f.routes().isEmpty() || events.size() != f.routes().size()) {
                problems.add(f.logicalId() + ": needs HttpApi events, and no other kind (" + events.keySet() + ")");
            }
            Class<?> input = handlerInput(f);
            if (!input.isAssignableFrom(APIGatewayV2HTTPEvent.class)) {
                problems.add(f.logicalId() + ": " + f.handlerClass() + " takes " + input.getSimpleName()
                        + ", not APIGatewayV2HTTPEvent");
            }
        }
        assertThat(problems).isEmpty();
    }

    /**
     * Operator routes are recognisable by their path and nothing else gets their authorizer: under
     * /operator/ exactly when AWS_IAM, so a user-facing route never loses the JWT authorizer by
     * accident and an operator route never falls back to it.
     */
    @Test
    void operatorRoutes_areExactlyTheAwsIamRoutes_underOperator() {
        List<String> iam = new ArrayList<>();
        for (SamTemplate.Function f : functions) {
            for (SamTemplate.Route r : f.routes()) {
                assertThat(r.path().startsWith("/operator/"))
                        .as(
                                "%s: under /operator/ exactly when Auth is AWS_IAM (it is %s)",
                                r.routeKey(), r.authorizer())
                        .isEqualTo(r.iam());
                if (r.iam()) {
                    iam.add(r.routeKey());
                }
            }
        }
        assertThat(iam).containsExactlyInAnyOrder("POST /operator/support-reset", "PUT /operator/org-policy");
    }

    /**
     * The routes and docs/openapi.yaml with the same authorizer: the JWT one is `jwt`, AWS_IAM is
     * `sigv4`, NONE is `security: []`. An operation no route serves fails (a route the document
     * lacks is FunctionChecklistIT's to name).
     */
    @Test
    void everyRoute_hasItsAuthorizerInOpenApi_andEveryOpenApiOperation_isARoute() {
        Set<String> routes = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (SamTemplate.Function f : functions) {
            for (SamTemplate.Route r : f.routes()) {
                routes.add(r.routeKey());
                var operation = openApi.operation(r.method(), r.path());
                if (operation.isPresent()) {
                    Set<String> expected =
                            switch (r.authorizer()) {
                                case "NONE" -> Set.of();
                                case "AWS_IAM" -> Set.of("sigv4");
                                default -> Set.of("jwt");
                            };
                    Set<String> documented = operation.get().securitySchemes(openApi.document());
                    if (!documented.equals(expected)) {
                        problems.add(r.routeKey() + ": template.yaml's authorizer " + r.authorizer()
                                + " needs `security` " + expected + " in docs/openapi.yaml, not " + documented);
                    }
                }
            }
        }
        for (OpenApi.Operation operation : openApi.operations()) {
            if (!routes.contains(operation.routeKey())) {
                problems.add(
                        operation.routeKey() + " is in docs/openapi.yaml but no function of template.yaml serves it");
            }
        }
        assertThat(problems).isEmpty();
    }

    /**
     * Every route has a bad-request event wherever docs/openapi.yaml documents a 4xx for it (GET
     * /.well-known/jwks.json takes no input and documents none; the happy-path event every route
     * needs is FunctionChecklistIT's). Each file is a payload 2.0 event of one of its function's
     * routes.
     */
    @Test
    void everyRoute_hasABadRequestEvent_andEveryEventFile_isAScenarioOfItsFunction() {
        List<Scenarios.Scenario> scenarios = Scenarios.all();
        List<String> problems = new ArrayList<>();
        for (SamTemplate.Function f : functions) {
            for (SamTemplate.Route r : f.routes()) {
                List<Scenarios.Scenario> mine = scenarios.stream()
                        .filter(s -> s.function().logicalId().equals(f.logicalId()))
                        .filter(s -> r.routeKey().equals(Scenarios.event(s).get("routeKey")))
                        .toList();
                if (mine.stream().noneMatch(Scenarios.Scenario::refusesInput) && documentsA4xx(r)) {
                    problems.add(r.routeKey() + ": no events/" + f.module() + "-*.json for a bad request");
                }
            }
        }
        for (Scenarios.Scenario s : scenarios) {
            Map<String, Object> event = Scenarios.event(s);
            Object routeKey = event.get("routeKey");
            if (s.route().isEmpty()) {
                problems.add("events/" + s.file() + " is for " + routeKey + ", not a route of "
                        + s.function().logicalId());
            }
            if (!"2.0".equals(event.get("version"))) {
                problems.add("events/" + s.file() + " is not an HTTP API payload 2.0 event");
            }
        }
        Set<String> files = scenarios.stream().map(Scenarios.Scenario::file).collect(Collectors.toSet());
        for (String listed : Scenarios.index().keySet()) {
            if (!files.contains(listed)) {
                problems.add("events/" + Scenarios.INDEX + " lists " + listed + ", which does not exist");
            }
        }
        assertThat(problems).isEmpty();
    }

    /**
     * 413 (body over the size limit) and 429 (stage throttling) are limits of the transport every
     * route has, not a refusal of the route's input: a route that documents only these (the JWKS
     * GET) has no bad request of its own to give an event for.
     */
    private static final Set<String> TRANSPORT_LIMITS = Set.of("413", "429");

    private boolean documentsA4xx(SamTemplate.Route route) {
        return openApi.operation(route.method(), route.path())
                .map(o -> SamTemplate.map(o.spec().getOrDefault("responses", Map.of())).keySet().stream()
                        .map(String::valueOf)
                        .anyMatch(status -> status.startsWith("4") && !TRANSPORT_LIMITS.contains(status)))
                .orElse(true);
    }

    /** What the handler method template.yaml names takes as its event (bridge methods aside). */
    private static Class<?> handlerInput(SamTemplate.Function f) {
        try {
            return Stream.of(Class.forName(f.handlerClass()).getMethods())
                    .filter(m -> m.getName().equals(f.handlerMethod()) && !m.isBridge())
                    .filter(m -> m.getParameterCount() == 2 && m.getParameterTypes()[1] == Context.class)
                    .map(m -> m.getParameterTypes()[0])
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(
                            f.handlerClass() + "::" + f.handlerMethod() + "(event, Context) not found"));
        } catch (ClassNotFoundException e) {
            throw new AssertionError(f.handlerClass() + " is not on the class path of tests/integration", e);
        }
    }
}
