package dev.twofa.it.deployment;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * docs/openapi.yaml (OpenAPI 3.1): the routes it describes, and a response checked against it: the
 * status must be documented for the operation, the content type too, required headers present and
 * of their schema's value, and the body valid against the schema (JSON Schema 2020-12 in the
 * OpenAPI 3.1 dialect, by networknt's validator).
 */
public final class OpenApi {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    record Operation(String method, String path, Map<String, Object> spec) {
        String routeKey() {
            return method + " " + path;
        }

        /** The names of the security schemes it takes (its own {@code security}, else the document's). */
        Set<String> securitySchemes(Map<String, Object> document) {
            Object security = spec.containsKey("security") ? spec.get("security") : document.get("security");
            Set<String> names = new TreeSet<>();
            if (security instanceof List<?> requirements) {
                requirements.forEach(r -> names.addAll(SamTemplate.map(r).keySet()));
            }
            return names;
        }
    }

    private final Map<String, Object> document;
    /** The document's id for the validator, which gets it from memory (it fetches nothing remote). */
    private static final String IRI = "https://docs.twofa.test/openapi.yaml";

    private final SchemaRegistry schemas;

    private OpenApi(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            // A key given twice would silently shadow the first (it once did: two RecoveryCode schemas).
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            this.document = SamTemplate.map(new Yaml(options).load(reader));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = Repo.read(file);
        this.schemas = SchemaRegistry.withDialect(Dialects.getOpenApi31(), b -> b.schemas(Map.of(IRI, text)));
    }

    public static OpenApi ofRepo() {
        return load(Repo.root().resolve("docs/openapi.yaml"));
    }

    static OpenApi load(Path file) {
        return new OpenApi(file);
    }

    Map<String, Object> document() {
        return document;
    }

    List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        SamTemplate.map(document.get("paths"))
                .forEach((path, item) -> SamTemplate.map(item).forEach((method, spec) -> {
                    if (METHODS.contains(method)) {
                        operations.add(new Operation(method.toUpperCase(Locale.ROOT), path, SamTemplate.map(spec)));
                    }
                }));
        return operations;
    }

    Optional<Operation> operation(String method, String path) {
        return operations().stream()
                .filter(o -> o.method().equals(method) && o.path().equals(path))
                .findFirst();
    }

    /** Every way {@code reply} departs from the description of {@code method path}; empty if none. */
    public List<String> violations(String method, String path, Givens.Reply reply) {
        List<String> problems = new ArrayList<>();
        Optional<Operation> operation = operation(method, path);
        if (operation.isEmpty()) {
            return List.of(method + " " + path + " is not in docs/openapi.yaml");
        }
        String pointer =
                "/paths/" + escape(path) + "/" + method.toLowerCase(Locale.ROOT) + "/responses/" + reply.status();
        Object response = SamTemplate.map(operation.get().spec().getOrDefault("responses", Map.of()))
                .get(Integer.toString(reply.status()));
        if (response == null) {
            return List.of(method + " " + path + " answered " + reply.status()
                    + ", a status docs/openapi.yaml does not list for it: " + reply.body());
        }
        // A response may be a $ref to components/responses.
        Map<String, Object> spec = SamTemplate.map(response);
        if (spec.get("$ref") instanceof String ref) {
            pointer = ref.substring(1);
            spec = resolve(ref);
        }
        SamTemplate.map(spec.getOrDefault("headers", Map.of())).forEach((name, header) -> {
            Map<String, Object> h = SamTemplate.map(header);
            if (h.get("$ref") instanceof String ref) {
                h = resolve(ref);
            }
            String value = reply.header(name);
            if (value == null) {
                if (Boolean.TRUE.equals(h.get("required"))) {
                    problems.add("header " + name + " is required but missing");
                }
                return;
            }
            Map<String, Object> schema = SamTemplate.map(h.getOrDefault("schema", Map.of()));
            if (schema.containsKey("const")
                    && !String.valueOf(schema.get("const")).equals(value)) {
                problems.add("header " + name + " is " + value + ", not " + schema.get("const"));
            }
            if (schema.get("pattern") instanceof String pattern && !value.matches(pattern)) {
                problems.add("header " + name + " is " + value + ", not matching " + pattern);
            }
        });
        Map<String, Object> content = SamTemplate.map(spec.getOrDefault("content", Map.of()));
        String contentType = Optional.ofNullable(reply.header("Content-Type"))
                .map(t -> t.split(";")[0].strip().toLowerCase(Locale.ROOT))
                .orElse("");
        if (content.isEmpty()) {
            return problems;
        }
        if (!content.containsKey(contentType)) {
            problems.add("content type \"" + contentType + "\" is not documented for " + reply.status()
                    + " (documented: " + content.keySet() + ")");
            return problems;
        }
        Schema schema = schemas.getSchema(
                SchemaLocation.of(IRI + "#" + pointer + "/content/" + escape(contentType) + "/schema"));
        List<Error> errors = schema.validate(reply.body(), InputFormat.JSON);
        for (Error error : errors) {
            problems.add("body " + error.getInstanceLocation() + ": " + error.getMessage());
        }
        return problems;
    }

    /**
     * Every way a JSON request body departs from the {@code application/json} request schema of
     * {@code method path}; empty if it is valid. A body of {@code null} stands for no body.
     */
    public List<String> requestViolations(String method, String path, String json) {
        Operation operation = operation(method, path)
                .orElseThrow(() -> new AssertionError(method + " " + path + " is not in docs/openapi.yaml"));
        Map<String, Object> requestBody = SamTemplate.map(operation.spec().getOrDefault("requestBody", Map.of()));
        if (json == null) {
            return Boolean.TRUE.equals(requestBody.get("required")) ? List.of("a body is required") : List.of();
        }
        if (requestBody.isEmpty()) {
            return List.of(method + " " + path + " takes no body");
        }
        String pointer = "/paths/" + escape(path) + "/" + method.toLowerCase(Locale.ROOT)
                + "/requestBody/content/application~1json/schema";
        Schema schema = schemas.getSchema(SchemaLocation.of(IRI + "#" + pointer));
        List<String> problems = new ArrayList<>();
        for (Error error : schema.validate(json, InputFormat.JSON)) {
            problems.add(error.getInstanceLocation() + ": " + error.getMessage());
        }
        return problems;
    }

    /** Every way {@code json} departs from the schema at {@code pointer} (e.g. "/components/schemas/Nonce"). */
    public List<String> schemaViolations(String pointer, String json) {
        Schema schema = schemas.getSchema(SchemaLocation.of(IRI + "#" + pointer));
        List<String> problems = new ArrayList<>();
        for (Error error : schema.validate(json, InputFormat.JSON)) {
            problems.add(error.getInstanceLocation() + ": " + error.getMessage());
        }
        return problems;
    }

    private Map<String, Object> resolve(String ref) {
        if (!ref.startsWith("#/")) {
            throw new AssertionError("only local $refs are supported in docs/openapi.yaml: " + ref);
        }
        Object node = document;
        for (String part : ref.substring(2).split("/")) {
            node = SamTemplate.map(node).get(part.replace("~1", "/").replace("~0", "~"));
        }
        return SamTemplate.map(node);
    }

    /** JSON Pointer escaping of one reference token (RFC 6901). */
    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
