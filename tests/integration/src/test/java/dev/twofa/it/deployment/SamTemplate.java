package dev.twofa.it.deployment;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * template.yaml as data, for the deployment tests: CloudFormation's short tags are kept as
 * {@link Intrinsic} values (so a test can tell {@code !Ref Table} from the string "Table"), and each
 * serverless function is seen with its Globals merged in, as SAM merges them.
 */
public final class SamTemplate {
    static final String FUNCTION = "AWS::Serverless::Function";

    /** {@code !Ref X}, {@code !GetAtt X.Arn}, {@code !Sub ...}: the tag without "!" and its value. */
    public record Intrinsic(String tag, Object value) {
        /** The logical id a !Ref or !GetAtt points at. */
        public Optional<String> target() {
            return switch (tag) {
                case "Ref" -> Optional.of((String) value);
                case "GetAtt" ->
                    Optional.of(
                            value instanceof String s
                                    ? s.substring(0, s.indexOf('.'))
                                    : (String) ((List<?>) value).get(0));
                default -> Optional.empty();
            };
        }

        boolean isGetAttArnOf(String logicalId) {
            return tag.equals("GetAtt")
                    && target().orElseThrow().equals(logicalId)
                    && (value instanceof String s
                            ? s.endsWith(".Arn")
                            : ((List<?>) value).get(1).equals("Arn"));
        }
    }

    public record Route(String method, String path, Map<String, Object> properties) {
        public String routeKey() {
            return method + " " + path;
        }

        /** The event's {@code Auth.Authorizer}: NONE, AWS_IAM, or DEFAULT (the API's, the JWT authorizer). */
        String authorizer() {
            Object authorizer = map(properties.getOrDefault("Auth", Map.of())).get("Authorizer");
            return authorizer == null ? "DEFAULT" : (String) authorizer;
        }

        /** False only for {@code Auth: {Authorizer: NONE}}. */
        boolean authorized() {
            return !authorizer().equals("NONE");
        }

        /** An operator route: SigV4-signed requests only, the caller's IAM ARN in the event. */
        public boolean iam() {
            return authorizer().equals("AWS_IAM");
        }
    }

    /** One AWS::Serverless::Function, its properties with Globals.Function merged in. */
    public record Function(String logicalId, Map<String, Object> properties, List<Route> routes) {
        /** functions/&lt;module&gt;: the module the CodeUri names. */
        public String module() {
            String codeUri = (String) properties.get("CodeUri");
            return Path.of(codeUri).getFileName().toString();
        }

        String codeUri() {
            return (String) properties.get("CodeUri");
        }

        String handlerClass() {
            String handler = (String) properties.get("Handler");
            int separator = handler.indexOf("::");
            return separator < 0 ? handler : handler.substring(0, separator);
        }

        String handlerMethod() {
            String handler = (String) properties.get("Handler");
            int separator = handler.indexOf("::");
            return separator < 0 ? "handleRequest" : handler.substring(separator + 2);
        }

        public Map<String, Object> environment() {
            return map(map(properties.getOrDefault("Environment", Map.of())).getOrDefault("Variables", Map.of()));
        }

        /** The logical id: test names and messages stay readable. */
        @Override
        public String toString() {
            return logicalId;
        }
    }

    private final Map<String, Object> document;

    private SamTemplate(Map<String, Object> document) {
        this.document = document;
    }

    static SamTemplate load(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return new SamTemplate(map(new Yaml(new TagKeepingConstructor()).load(reader)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SamTemplate ofRepo() {
        return load(Repo.root().resolve("template.yaml"));
    }

    Map<String, Object> resources() {
        return map(document.get("Resources"));
    }

    Map<String, Object> resource(String logicalId) {
        Object resource = resources().get(logicalId);
        if (resource == null) {
            throw new AssertionError("template.yaml has no resource " + logicalId);
        }
        return map(resource);
    }

    Map<String, Object> properties(String logicalId) {
        return map(resource(logicalId).getOrDefault("Properties", Map.of()));
    }

    String type(String logicalId) {
        return (String) resource(logicalId).get("Type");
    }

    public Map<String, Object> parameters() {
        return map(document.getOrDefault("Parameters", Map.of()));
    }

    Map<String, Object> outputs() {
        return map(document.getOrDefault("Outputs", Map.of()));
    }

    /** A parameter's default as a string, as CloudFormation passes it to an environment variable. */
    public Optional<String> parameterDefault(String name) {
        Object parameter = parameters().get(name);
        if (parameter == null) {
            return Optional.empty();
        }
        Object value = map(parameter).get("Default");
        if (value instanceof List<?> list) {
            return Optional.of(
                    String.join(",", list.stream().map(String::valueOf).toList()));
        }
        return Optional.ofNullable(value).map(String::valueOf);
    }

    /**
     * The function's environment as CloudFormation would set it on the defaults: a parameter's
     * default for {@code !Ref Parameter} (for a parameter without one, such as SmsAllowedCountries,
     * the value samconfig.toml's default environment deploys), a stand-in ({@code resource-<id>})
     * for a resource, and {@code resolved-<tag>} for other intrinsics.
     */
    Map<String, String> environmentAsDeployed(Function function) {
        Map<String, String> env = new LinkedHashMap<>();
        function.environment().forEach((name, value) -> env.put(name, resolve(value)));
        return env;
    }

    private String resolve(Object value) {
        if (value instanceof Intrinsic i && i.tag().equals("Ref")) {
            String name = (String) i.value();
            if (parameters().containsKey(name)) {
                return parameterDefault(name)
                        .or(() -> Optional.ofNullable(
                                SamConfig.parameterOverrides("default").get(name)))
                        .orElseThrow(() -> new AssertionError("parameter " + name
                                + " has no default and samconfig.toml's default environment gives it no value"));
            }
            return "resource-" + name;
        }
        if (value instanceof Intrinsic i) {
            return "resolved-" + i.tag();
        }
        return String.valueOf(value);
    }

    public List<Function> functions() {
        Map<String, Object> globals =
                map(map(document.getOrDefault("Globals", Map.of())).getOrDefault("Function", Map.of()));
        List<Function> functions = new ArrayList<>();
        resources().forEach((id, value) -> {
            Map<String, Object> resource = map(value);
            if (!FUNCTION.equals(resource.get("Type"))) {
                return;
            }
            Map<String, Object> properties = merge(globals, map(resource.getOrDefault("Properties", Map.of())));
            List<Route> routes = new ArrayList<>();
            map(properties.getOrDefault("Events", Map.of())).forEach((name, event) -> {
                Map<String, Object> e = map(event);
                if ("HttpApi".equals(e.get("Type"))) {
                    Map<String, Object> p = map(e.getOrDefault("Properties", Map.of()));
                    routes.add(
                            new Route(((String) p.get("Method")).toUpperCase(Locale.ROOT), (String) p.get("Path"), p));
                }
            });
            functions.add(new Function(id, properties, List.copyOf(routes)));
        });
        return functions;
    }

    Function function(String logicalId) {
        return functions().stream()
                .filter(f -> f.logicalId().equals(logicalId))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no function " + logicalId));
    }

    /** The inline policy statements of the function's own role ({@code Role: !GetAtt XRole.Arn}). */
    List<Map<String, Object>> roleStatements(Function function) {
        String role = roleOf(function);
        List<Map<String, Object>> statements = new ArrayList<>();
        for (Object policy : list(properties(role).getOrDefault("Policies", List.of()))) {
            Map<String, Object> document = map(map(policy).get("PolicyDocument"));
            for (Object statement : list(document.get("Statement"))) {
                statements.add(map(statement));
            }
        }
        return statements;
    }

    String roleOf(Function function) {
        Object role = function.properties().get("Role");
        if (!(role instanceof Intrinsic i) || !i.tag().equals("GetAtt")) {
            throw new AssertionError(function.logicalId() + ": Role must be !GetAtt <its role>.Arn, not " + role);
        }
        return i.target().orElseThrow();
    }

    /** SAM merges Globals into each function: maps merge key by key, anything else is replaced. */
    private static Map<String, Object> merge(Map<String, Object> global, Map<String, Object> local) {
        Map<String, Object> merged = new LinkedHashMap<>(global);
        local.forEach((key, value) -> {
            Object base = merged.get(key);
            if (base instanceof Map<?, ?> && value instanceof Map<?, ?>) {
                merged.put(key, merge(map(base), map(value)));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        if (!(value instanceof Map<?, ?>)) {
            throw new AssertionError("expected a mapping, got " + value);
        }
        return (Map<String, Object>) value;
    }

    /** A YAML scalar or a list, as a list (IAM allows both for Action and Resource). */
    static List<Object> list(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        return List.of(value);
    }

    /** Safe YAML plus CloudFormation's short tags, each kept as an {@link Intrinsic}. */
    private static final class TagKeepingConstructor extends SafeConstructor {
        TagKeepingConstructor() {
            super(new LoaderOptions());
            this.yamlConstructors.put(null, new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    String tag = node.getTag().getValue();
                    String name = tag.startsWith("!") ? tag.substring(1) : tag;
                    Object value =
                            switch (node) {
                                case ScalarNode scalar -> constructScalar(scalar);
                                case SequenceNode sequence -> constructSequence(sequence);
                                case MappingNode mapping -> constructMapping(mapping);
                                default -> null;
                            };
                    return new Intrinsic(name, value);
                }
            });
        }
    }
}
