package dev.twofa.it.deployment;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.config.Config;
import dev.twofa.it.deployment.SamTemplate.Intrinsic;
import dev.twofa.wiring.AwsAdapters;
import dev.twofa.wiring.Wiring;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * docs/architecture.md, "Adding a function", as a check: every place a function needs, for every
 * function template.yaml deploys and every functions/&lt;module&gt; directory, each missing place
 * named in one sentence. It reads the files under the root it is given (so a test can run it on a
 * mutated copy); what only the class path can tell (the handler class, its wiring, the packaging
 * test's list) comes from this test's class path.
 */
final class FunctionChecklist {
    /** The modules that run or test every function, each depending on every function module. */
    static final List<String> CONSUMER_POMS =
            List.of("tests/integration/pom.xml", "tests/lambda/pom.xml", "tools/local-run/pom.xml");

    private final Path root;
    private final SamTemplate template;
    private final OpenApi openApi;
    private final Map<String, Object> scenarioIndex;
    private final List<String> eventFiles;
    private final List<String> problems = new ArrayList<>();

    private FunctionChecklist(Path root) {
        this.root = root;
        this.template = SamTemplate.load(root.resolve("template.yaml"));
        this.openApi = OpenApi.load(root.resolve("docs/openapi.yaml"));
        try {
            this.scenarioIndex =
                    JSON.std.mapFrom(Repo.read(root.resolve("events").resolve(Scenarios.INDEX)));
            try (Stream<Path> files = Files.list(root.resolve("events"))) {
                this.eventFiles = files.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".json") && !n.equals(Scenarios.INDEX))
                        .sorted()
                        .toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What is missing, one sentence each, starting with the module it belongs to; empty when nothing is. */
    static List<String> missing(Path root) {
        return new FunctionChecklist(root).check();
    }

    private List<String> check() {
        Map<String, SamTemplate.Function> deployed = new LinkedHashMap<>();
        for (SamTemplate.Function f : template.functions()) {
            deployed.put(f.module(), f);
        }
        Set<String> modules = new TreeSet<>(deployed.keySet());
        modules.addAll(moduleDirectories());
        Set<String> packaged = packagingTestModules();
        for (String module : modules) {
            checkModule(module, packaged);
            SamTemplate.Function f = deployed.get(module);
            if (f == null) {
                problems.add(
                        module + ": no AWS::Serverless::Function in template.yaml has CodeUri functions/" + module);
            } else {
                checkFunction(f);
            }
        }
        return List.copyOf(problems);
    }

    /** 1. The Maven module, listed where the build and the tiers that run every function find it. */
    private void checkModule(String module, Set<String> packaged) {
        Path pom = root.resolve("functions").resolve(module).resolve("pom.xml");
        String artifact = "<artifactId>twofa-fn-" + module + "</artifactId>";
        if (!Files.isRegularFile(pom)) {
            problems.add(module + ": functions/" + module + "/pom.xml is missing (the function's Maven module)");
        } else if (!Repo.read(pom).contains(artifact)) {
            problems.add(module + ": functions/" + module + "/pom.xml must name its artifact twofa-fn-" + module);
        }
        if (!Repo.read(root.resolve("functions/pom.xml")).contains("<module>" + module + "</module>")) {
            problems.add(module + ": not a <module> of functions/pom.xml");
        }
        for (String consumer : CONSUMER_POMS) {
            if (!Repo.read(root.resolve(consumer)).contains(artifact)) {
                problems.add(module + ": " + consumer + " has no dependency on twofa-fn-" + module);
            }
        }
        if (!packaged.contains(module)) {
            problems.add(module + ": FunctionJarsIT (tests/integration, packaging) does not list it with the SDK"
                    + " clients its jar may carry");
        }
        if (!functionTable().contains("\n| " + module + " |")) {
            problems.add(module + ": README.md's function table has no row for it");
        }
    }

    private void checkFunction(SamTemplate.Function f) {
        String module = f.module();
        String id = f.logicalId();
        Path dir = root.resolve(f.codeUri());

        // 2. The Makefile `sam build` runs (BuildMethod: makefile).
        Path makefile = dir.resolve("Makefile");
        String make = Files.isRegularFile(makefile) ? Repo.read(makefile) : "";
        if (!make.contains("build-" + id + ":") || !make.contains("sam-build-function " + module + " ")) {
            problems.add(module + ": functions/" + module + "/Makefile needs target build-" + id
                    + " calling scripts/sam-build-function " + module);
        }
        Object metadata = template.resource(id).getOrDefault("Metadata", Map.of());
        if (!"makefile".equals(SamTemplate.map(metadata).get("BuildMethod"))) {
            problems.add(module + ": " + id + " needs Metadata.BuildMethod: makefile in template.yaml");
        }

        // 3. The handler: its source in the module, its class on the class path, its use case wired.
        Path source = dir.resolve("src/main/java").resolve(f.handlerClass().replace('.', '/') + ".java");
        if (!Files.isRegularFile(source)) {
            problems.add(module + ": handler " + f.handlerClass() + " (template.yaml's Handler) is not in functions/"
                    + module + "/src/main/java");
        }
        checkWiring(f);

        // 4. template.yaml: a role and a log group of its own, referenced the way the tests and
        // the key policies expect.
        Object role = f.properties().get("Role");
        if (!(role instanceof Intrinsic r && r.isGetAttArnOf(r.target().orElse("")) && isA(r, "AWS::IAM::Role"))) {
            problems.add(module + ": " + id + " needs Role: !GetAtt <its AWS::IAM::Role>.Arn in template.yaml, not "
                    + yaml(role));
        }
        Object logGroup = SamTemplate.map(f.properties().getOrDefault("LoggingConfig", Map.of()))
                .get("LogGroup");
        if (!(logGroup instanceof Intrinsic g && g.tag().equals("Ref") && isA(g, "AWS::Logs::LogGroup"))) {
            problems.add(module + ": " + id
                    + " needs LoggingConfig.LogGroup: !Ref <its AWS::Logs::LogGroup> in template.yaml, not "
                    + yaml(logGroup));
        }

        // 5. Its routes, in docs/openapi.yaml; 6. a happy-path event per route, each file in the index.
        if (f.routes().isEmpty()) {
            problems.add(module + ": " + id + " has no HttpApi route in template.yaml");
        }
        Map<String, List<String>> filesByRoute = eventFilesByRoute(f);
        for (SamTemplate.Route route : f.routes()) {
            if (openApi.operation(route.method(), route.path()).isEmpty()) {
                problems.add(module + ": " + route.routeKey() + " is missing from docs/openapi.yaml");
            }
            boolean happy = filesByRoute.getOrDefault(route.routeKey(), List.of()).stream()
                    .map(file -> scenarioIndex.get(file))
                    .anyMatch(entry -> entry instanceof Map<?, ?> m
                            && m.get("status") instanceof Number n
                            && n.intValue() / 100 == 2);
            if (!happy) {
                problems.add(module + ": no events/" + module + "-*.json with a 2xx entry in events/" + Scenarios.INDEX
                        + " for " + route.routeKey());
            }
        }
        for (String file : eventFilesOf(module)) {
            if (!scenarioIndex.containsKey(file)) {
                problems.add(module + ": events/" + file + " has no entry in events/" + Scenarios.INDEX);
            }
        }
    }

    /** The use case the handler's injecting constructor takes is one Wiring builds. */
    private void checkWiring(SamTemplate.Function f) {
        String module = f.module();
        Class<?> handler;
        try {
            handler = Class.forName(f.handlerClass());
        } catch (ClassNotFoundException e) {
            problems.add(module + ": handler " + f.handlerClass()
                    + " is not on the class path of tests/integration (its dependencies: "
                    + String.join(", ", CONSUMER_POMS) + ")");
            return;
        }
        Optional<Constructor<?>> injecting = Stream.of(handler.getConstructors())
                .filter(c -> c.getParameterCount() == 1)
                .findFirst();
        if (injecting.isEmpty()) {
            problems.add(module + ": " + handler.getSimpleName()
                    + " needs a public constructor taking its use case (for the tests and the local run)");
            return;
        }
        Class<?> useCase = injecting.get().getParameterTypes()[0];
        Map<String, String> env = new HashMap<>(template.environmentAsDeployed(f));
        env.put("AWS_REGION", "eu-west-1"); // Lambda sets it
        Config config = new Config(env);
        Wiring wiring = new Wiring(new AwsAdapters(config), config, Clock.systemUTC(), Wiring.secureRandom());
        try {
            wiring.useCase(useCase);
        } catch (IllegalArgumentException e) {
            problems.add(module + ": Wiring builds no " + useCase.getSimpleName() + " (the use case "
                    + handler.getSimpleName() + " takes): " + e.getMessage());
        }
    }

    /** README.md's function table: from its header row to the blank line after it. */
    private String functionTable() {
        String readme = Repo.read(root.resolve("README.md"));
        int start = readme.indexOf("\n| function | route | success |");
        if (start < 0) {
            return "";
        }
        int end = readme.indexOf("\n\n", start);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    /** A template value as written: {@code !GetAtt X.Arn}, not the record's toString. */
    private static String yaml(Object value) {
        return value instanceof Intrinsic i ? "!" + i.tag() + " " + i.value() : String.valueOf(value);
    }

    private boolean isA(Intrinsic reference, String type) {
        String target = reference.target().orElse("");
        return template.resources().containsKey(target) && type.equals(template.type(target));
    }

    /** functions/&lt;name&gt; directories, with or without a pom.xml (a missing one is reported). */
    private List<String> moduleDirectories() {
        try (Stream<Path> dirs = Files.list(root.resolve("functions"))) {
            return dirs.filter(Files::isDirectory)
                    .map(d -> d.getFileName().toString())
                    .filter(name -> !name.equals("target")) // the aggregator's own build output
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** events/&lt;module&gt;-*.json, a longer module that shares the prefix keeping its own files. */
    private List<String> eventFilesOf(String module) {
        List<String> modules =
                template.functions().stream().map(SamTemplate.Function::module).toList();
        return eventFiles.stream()
                .filter(file -> file.startsWith(module + "-"))
                .filter(file -> modules.stream()
                        .filter(m -> file.startsWith(m + "-"))
                        .max(Comparator.comparingInt(String::length))
                        .orElse(module)
                        .equals(module))
                .toList();
    }

    private Map<String, List<String>> eventFilesByRoute(SamTemplate.Function f) {
        Map<String, List<String>> byRoute = new HashMap<>();
        for (String file : eventFilesOf(f.module())) {
            try {
                Object routeKey = JSON.std
                        .mapFrom(Repo.read(root.resolve("events").resolve(file)))
                        .get("routeKey");
                byRoute.computeIfAbsent(String.valueOf(routeKey), k -> new ArrayList<>())
                        .add(file);
            } catch (IOException e) {
                problems.add(f.module() + ": events/" + file + " is not JSON: " + e.getMessage());
            }
        }
        return byRoute;
    }

    /** The modules FunctionJarsIT checks the jar of (its own list: the SDK clients are its oracle). */
    private static Set<String> packagingTestModules() {
        try {
            Method functions =
                    Class.forName("dev.twofa.it.packaging.FunctionJarsIT").getDeclaredMethod("functions");
            functions.setAccessible(true);
            Set<String> modules = new TreeSet<>();
            try (Stream<?> arguments = (Stream<?>) functions.invoke(null)) {
                arguments.forEach(a -> modules.add((String) ((Arguments) a).get()[0]));
            }
            return modules;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("FunctionJarsIT.functions() not found", e);
        }
    }
}
