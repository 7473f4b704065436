package dev.twofa.localrun;

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
 * The API as template.yaml declares it: every {@code AWS::Serverless::Function} with an
 * {@code HttpApi} event becomes a route (Method + Path) served by the function's {@code Handler}.
 * Reading the template, rather than a second list here, keeps the local run from drifting from
 * what is deployed.
 */
public final class TemplateRoutes {
    private static final String FUNCTION_TYPE = "AWS::Serverless::Function";

    private TemplateRoutes() {}

    /** Who API Gateway lets through to a route, as its event's {@code Auth.Authorizer} says. */
    public enum Auth {
        /** The API's default: a JWT from the issuer (no {@code Auth}, or an authorizer by name). */
        JWT,
        /** {@code Authorizer: AWS_IAM}: a SigV4-signed request; the function gets the caller's ARN. */
        IAM,
        /** {@code Authorizer: NONE}: anyone. */
        NONE;

        static Auth of(Object authorizer) {
            if ("NONE".equals(authorizer)) {
                return NONE;
            }
            return "AWS_IAM".equals(authorizer) ? IAM : JWT;
        }
    }

    /**
     * One HTTP API route.
     *
     * @param function the function's logical id in the template
     * @param handlerClass the class part of {@code Handler}
     * @param handlerMethod the method part of {@code Handler} ({@code handleRequest} if absent)
     * @param auth the authorizer its event names
     */
    public record Route(
            String function, String method, String path, String handlerClass, String handlerMethod, Auth auth) {

        /** API Gateway's route key, as it appears in the event: {@code "POST /2fa/verify"}. */
        public String routeKey() {
            return method + " " + path;
        }

        /**
         * The path parameters if this route serves the request, as API Gateway matches them:
         * {@code {name}} is one segment, {@code {name+}} the rest of the path; ANY is any method.
         */
        public Optional<Map<String, String>> match(String requestMethod, String requestPath) {
            if (!method.equals("ANY") && !method.equals(requestMethod)) {
                return Optional.empty();
            }
            String[] want = path.substring(1).split("/", -1);
            String[] got =
                    requestPath.startsWith("/") ? requestPath.substring(1).split("/", -1) : new String[] {requestPath};
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < want.length; i++) {
                String segment = want[i];
                boolean variable = segment.startsWith("{") && segment.endsWith("}");
                if (variable && segment.endsWith("+}")) {
                    if (i >= got.length) {
                        return Optional.empty();
                    }
                    params.put(
                            segment.substring(1, segment.length() - 2),
                            String.join("/", List.of(got).subList(i, got.length)));
                    return Optional.of(params);
                }
                if (i >= got.length) {
                    return Optional.empty();
                }
                if (variable) {
                    if (got[i].isEmpty()) {
                        return Optional.empty();
                    }
                    params.put(segment.substring(1, segment.length() - 1), got[i]);
                } else if (!segment.equals(got[i])) {
                    return Optional.empty();
                }
            }
            return want.length == got.length ? Optional.of(params) : Optional.empty();
        }
    }

    /** The routes of the template at {@code template}, in template order. */
    public static List<Route> read(Path template) {
        Object document;
        try (Reader reader = Files.newBufferedReader(template, StandardCharsets.UTF_8)) {
            document = new Yaml(new CloudFormationConstructor(new LoaderOptions())).load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + template, e);
        }
        return routes(asMap(document, "the template"));
    }

    static List<Route> routes(Map<String, Object> template) {
        Map<String, Object> globals = asMap(
                asMap(template.getOrDefault("Globals", Map.of()), "Globals").getOrDefault("Function", Map.of()),
                "Globals.Function");
        List<Route> routes = new ArrayList<>();
        asMap(template.get("Resources"), "Resources").forEach((name, value) -> {
            Map<String, Object> resource = asMap(value, name);
            if (!FUNCTION_TYPE.equals(resource.get("Type"))) {
                return;
            }
            Map<String, Object> properties = asMap(resource.getOrDefault("Properties", Map.of()), name + ".Properties");
            Object handler = properties.getOrDefault("Handler", globals.get("Handler"));
            Map<String, Object> events = asMap(properties.getOrDefault("Events", Map.of()), name + ".Events");
            events.forEach((eventName, eventValue) -> {
                Map<String, Object> event = asMap(eventValue, name + ".Events." + eventName);
                if (!"HttpApi".equals(event.get("Type"))) {
                    return;
                }
                String where = name + ".Events." + eventName + ".Properties";
                Map<String, Object> props = asMap(event.getOrDefault("Properties", Map.of()), where);
                if (!(handler instanceof String h) || h.isBlank()) {
                    throw new IllegalStateException(name + " has an HttpApi event but no Handler");
                }
                String method = text(props.get("Method"), where + ".Method").toUpperCase(Locale.ROOT);
                String path = text(props.get("Path"), where + ".Path");
                if (!path.startsWith("/")) {
                    throw new IllegalStateException(where + ".Path must start with /");
                }
                int separator = h.indexOf("::");
                String handlerClass =
                        separator < 0 ? h.strip() : h.substring(0, separator).strip();
                String handlerMethod = separator < 0
                        ? "handleRequest"
                        : h.substring(separator + 2).strip();
                Object authorizer = asMap(props.getOrDefault("Auth", Map.of()), where + ".Auth")
                        .get("Authorizer");
                routes.add(new Route(name, method, path, handlerClass, handlerMethod, Auth.of(authorizer)));
            });
        });
        return List.copyOf(routes);
    }

    /** template.yaml in {@code start} or the nearest directory above it. */
    public static Optional<Path> find(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("template.yaml");
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static String text(Object value, String where) {
        if (!(value instanceof String s) || s.isBlank()) {
            throw new IllegalStateException(where + " must be a non-empty string");
        }
        return s.strip();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value, String where) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalStateException(where + " must be a mapping");
        }
        return (Map<String, Object>) map;
    }

    /**
     * Safe YAML, plus CloudFormation's short tags ({@code !Ref}, {@code !Sub}, {@code !GetAtt}...):
     * any tag it does not know becomes the plain scalar, list or map under it. Their values are
     * resolved only by CloudFormation; the routes never depend on them.
     */
    private static final class CloudFormationConstructor extends SafeConstructor {
        CloudFormationConstructor(LoaderOptions options) {
            super(options);
            this.yamlConstructors.put(null, new PlainData());
        }

        private final class PlainData extends AbstractConstruct {
            @Override
            public Object construct(Node node) {
                return switch (node) {
                    case ScalarNode scalar -> constructScalar(scalar);
                    case SequenceNode sequence -> constructSequence(sequence);
                    case MappingNode mapping -> constructMapping(mapping);
                    default -> null;
                };
            }
        }
    }
}
