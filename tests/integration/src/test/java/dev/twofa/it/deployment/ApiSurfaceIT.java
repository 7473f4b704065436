package dev.twofa.it.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * others in both directions, over whatever template.yaml lists. Operator functions (no route,
 * invoked with IAM) have their module and events too, and no place in docs/openapi.yaml.
 */
class ApiSurfaceIT {
    private final SamTemplate template = SamTemplate.ofRepo();
    private final OpenApi openApi = OpenApi.ofRepo();
    private final List<SamTemplate.Function> functions = template.functions();

    @Test
    void everyTemplateFunction_hasItsModule_makefileTarget_andHandlerSource() {
        String rootPom = Repo.read(Repo.root().resolve("pom.xml"));
        List<String> problems = new ArrayList<>();
        for (SamTemplate.Function f : functions) {
            Path module = Repo.root().resolve(f.codeUri());
            if (!Files.isRegularFile(module.resolve("pom.xml"))) {
                problems.add(f.logicalId() + ": CodeUri " + f.codeUri() + " is not a Maven module");
                continue;
            }
            if (!rootPom.contains("<module>" + f.codeUri() + "</module>")) {
                problems.add(f.logicalId() + ": " + f.codeUri() + " is not a module of the root pom.xml");
            }
            String makefile =
                    Files.isRegularFile(module.resolve("Makefile")) ? Repo.read(module.resolve("Makefile")) : "";
            if (!makefile.contains("build-" + f.logicalId() + ":")
                    || !makefile.contains("sam-build-function " + f.module() + " ")) {
                problems.add(f.logicalId() + ": " + f.codeUri() + "/Makefile needs target build-" + f.logicalId()
                        + " calling scripts/sam-build-function " + f.module());
            }
            Path source =
                    module.resolve("src/main/java").resolve(f.handlerClass().replace('.', '/') + ".java");
            if (!Files.isRegularFile(source)) {
                problems.add(f.logicalId() + ": handler " + f.handlerClass() + " is not in " + f.codeUri());
            }
            if (!"makefile"
                    .equals(SamTemplate.map(template.resource(f.logicalId()).getOrDefault("Metadata", Map.of()))
                            .get("BuildMethod"))) {
                problems.add(f.logicalId() + ": Metadata.BuildMethod must be makefile");
            }
        }
        assertThat(problems).isEmpty();
    }

    /**
     * Modules that exist (new features in progress) but that template.yaml does not deploy yet:
     * their routes, environment and permissions are still to be settled. Remove each when its
     * function is added to template.yaml; the test fails while a listed module is already deployed.
     */
    private static final Set<String> NOT_YET_DEPLOYED = Set.of();

    @Test
    void everyFunctionModule_isDeployedByTemplate() {
        Set<String> deployed =
                functions.stream().map(SamTemplate.Function::module).collect(Collectors.toSet());
        assertThat(Repo.functionModules().stream().filter(m -> !NOT_YET_DEPLOYED.contains(m)))
                .as("functions/<module> directories with a pom.xml; each needs an AWS::Serverless::Function in"
                        + " template.yaml (one function per handler module)")
                .allMatch(deployed::contains, "deployed by template.yaml");
        assertThat(NOT_YET_DEPLOYED)
                .as("deployed now: take them off NOT_YET_DEPLOYED")
                .noneMatch(deployed::contains);
    }

    /**
     * Two kinds of function: an API function has HttpApi events and a handler that takes API
     * Gateway's payload 2.0 event; an operator function (invoked with IAM: support reset, organisation
     * policy) has no Events at all and a handler that takes a plain JSON object. Nothing in between:
     * a handler of the one kind behind the other's trigger fails every invocation.
     */
    @Test
    void everyFunction_isAnApiOrAnOperatorFunction_asItsHandlerTakes() {
        List<String> problems = new ArrayList<>();
        for (SamTemplate.Function f : functions) {
            Map<String, Object> events = SamTemplate.map(f.properties().getOrDefault("Events", Map.of()));
            Class<?> input = handlerInput(f);
            if (!f.routes().isEmpty()) {
                if (events.size() != f.routes().size()) {
                    problems.add(f.logicalId() + ": only HttpApi events, or none (an operator function)");
                }
                if (!input.isAssignableFrom(APIGatewayV2HTTPEvent.class)) {
                    problems.add(f.logicalId() + " has an HttpApi route, but " + f.handlerClass() + " takes "
                            + input.getSimpleName() + ", not APIGatewayV2HTTPEvent");
                }
            } else {
                if (!events.isEmpty()) {
                    problems.add(f.logicalId() + ": events " + events.keySet()
                            + " that are not HttpApi routes; an operator function has none");
                }
                if (!Map.class.isAssignableFrom(input)) {
                    problems.add(f.logicalId() + " has no route (an operator function), but " + f.handlerClass()
                            + " takes " + input.getSimpleName() + ", not a JSON object (Map)");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /**
     * The routes and docs/openapi.yaml, both ways. Operator functions have no route and so no
     * entry: docs/openapi.yaml is the public API, and an operation there that no route serves fails.
     */
    @Test
    void everyRoute_isInOpenApi_andEveryOpenApiOperation_isARoute() {
        Set<String> routes = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (SamTemplate.Function f : functions) {
            for (SamTemplate.Route r : f.routes()) {
                routes.add(r.routeKey());
                var operation = openApi.operation(r.method(), r.path());
                if (operation.isEmpty()) {
                    problems.add(r.routeKey() + " (" + f.logicalId() + ") is missing from docs/openapi.yaml");
                } else if (operation.get().secured(openApi.document()) != r.authorized()) {
                    problems.add(r.routeKey() + ": the JWT authorizer in template.yaml ("
                            + (r.authorized() ? "on" : "off") + ") and `security` in docs/openapi.yaml disagree");
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
     * Every route has a happy-path event, and a bad-request event wherever docs/openapi.yaml
     * documents a 4xx for it (GET /.well-known/jwks.json takes no input and documents none). Every
     * operator function has a direct event that succeeds and one whose input it refuses. Each file
     * is of its function's kind: a payload 2.0 event of one of its routes, or a plain JSON object.
     */
    @Test
    void everyFunction_hasAHappyAndABadRequestEvent_andEveryEventFile_isAScenarioOfItsFunction() {
        List<Scenarios.Scenario> scenarios = Scenarios.all();
        List<String> problems = new ArrayList<>();
        for (SamTemplate.Function f : functions) {
            List<Scenarios.Scenario> direct = scenarios.stream()
                    .filter(s -> s.function().logicalId().equals(f.logicalId()))
                    .filter(s -> s.kind() == Scenarios.Kind.DIRECT)
                    .toList();
            if (f.routes().isEmpty()) {
                if (direct.stream().noneMatch(Scenarios.Scenario::succeeds)) {
                    problems.add(
                            f.logicalId() + ": no events/" + f.module() + "-*.json (kind direct) for the happy path");
                }
                if (direct.stream().noneMatch(Scenarios.Scenario::refusesInput)) {
                    problems.add(f.logicalId() + ": no events/" + f.module()
                            + "-*.json (kind direct) for a refused input (throws IllegalArgumentException)");
                }
            }
            for (SamTemplate.Route r : f.routes()) {
                List<Scenarios.Scenario> mine = scenarios.stream()
                        .filter(s -> s.function().logicalId().equals(f.logicalId()))
                        .filter(s -> s.kind() == Scenarios.Kind.HTTP)
                        .filter(s -> r.routeKey().equals(Scenarios.event(s).get("routeKey")))
                        .toList();
                if (mine.stream().noneMatch(Scenarios.Scenario::succeeds)) {
                    problems.add(r.routeKey() + ": no events/" + f.module() + "-*.json for the happy path");
                }
                if (mine.stream().noneMatch(Scenarios.Scenario::refusesInput) && documentsA4xx(r)) {
                    problems.add(r.routeKey() + ": no events/" + f.module() + "-*.json for a bad request");
                }
            }
        }
        for (Scenarios.Scenario s : scenarios) {
            Map<String, Object> event = Scenarios.event(s);
            boolean apiGatewayEvent = event.containsKey("version")
                    || event.containsKey("routeKey")
                    || event.containsKey("requestContext");
            if (s.kind() == Scenarios.Kind.DIRECT) {
                if (!s.function().routes().isEmpty()) {
                    problems.add("events/" + s.file() + " is a direct event, but "
                            + s.function().logicalId() + " is an API function (it has routes)");
                }
                if (apiGatewayEvent) {
                    problems.add("events/" + s.file()
                            + " is a direct event: the operator's plain JSON input, not an API Gateway event");
                }
                continue;
            }
            Object routeKey = event.get("routeKey");
            boolean served =
                    s.function().routes().stream().anyMatch(r -> r.routeKey().equals(routeKey));
            if (!served) {
                problems.add("events/" + s.file() + " is for " + routeKey + ", not a route of "
                        + s.function().logicalId()
                        + (s.function().routes().isEmpty() ? " (an operator function: kind direct)" : ""));
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

    private boolean documentsA4xx(SamTemplate.Route route) {
        return openApi.operation(route.method(), route.path())
                .map(o -> SamTemplate.map(o.spec().getOrDefault("responses", Map.of())).keySet().stream()
                        .anyMatch(status -> String.valueOf(status).startsWith("4")))
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
