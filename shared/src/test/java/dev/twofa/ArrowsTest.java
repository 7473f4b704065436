package dev.twofa;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The arrows between shared's packages point one way (docs/architecture.md, <i>Shape</i>):
 *
 * <pre>
 * domain ← port, config ← app.api ← app.common ← app (use cases) ← http, envelope, aws ← wiring ← functions
 * </pre>
 *
 * A package may import its own layer and the layers to its left only: a port never names a use case,
 * a use case never an adapter, an adapter never the wiring. Like {@code DomainPurityTest}, it reads
 * the sources, so it needs nothing on the class path.
 */
class ArrowsTest {

    private static final Path SOURCES = Path.of("src/main/java");

    /** Each package (prefix) and the packages it may import from besides itself. */
    private static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

    static {
        ALLOWED.put("dev.twofa.domain", Set.of());
        ALLOWED.put("dev.twofa.port", Set.of("dev.twofa.domain"));
        ALLOWED.put("dev.twofa.config", Set.of("dev.twofa.domain"));
        ALLOWED.put("dev.twofa.app.api", Set.of("dev.twofa.domain", "dev.twofa.port"));
        ALLOWED.put(
                "dev.twofa.app.common",
                Set.of("dev.twofa.domain", "dev.twofa.port", "dev.twofa.config", "dev.twofa.app.api"));
        ALLOWED.put(
                "dev.twofa.app",
                Set.of(
                        "dev.twofa.domain",
                        "dev.twofa.port",
                        "dev.twofa.config",
                        "dev.twofa.app.api",
                        "dev.twofa.app.common"));
        Set<String> adapters = Set.of(
                "dev.twofa.domain",
                "dev.twofa.port",
                "dev.twofa.config",
                "dev.twofa.app.api",
                "dev.twofa.app.common",
                "dev.twofa.app");
        ALLOWED.put("dev.twofa.http", adapters);
        ALLOWED.put("dev.twofa.envelope", adapters);
        ALLOWED.put("dev.twofa.webauthn", adapters);
        ALLOWED.put("dev.twofa.aws", union(adapters, "dev.twofa.envelope"));
        ALLOWED.put(
                "dev.twofa.wiring",
                union(
                        adapters,
                        "dev.twofa.envelope",
                        "dev.twofa.aws",
                        "dev.twofa.http",
                        "dev.twofa.webauthn",
                        "dev.twofa.wiring"));
    }

    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT =
            Pattern.compile("^import (?:static )?(dev\\.twofa\\.[\\w.]+);", Pattern.MULTILINE);
    /** A fully qualified reference in code, which an import check alone would miss. */
    private static final Pattern QUALIFIED =
            Pattern.compile("(?<![\\w.\"])(dev\\.twofa\\.[a-z][\\w]*(?:\\.[a-z]\\w*)*\\.[A-Z]\\w*)");

    @Test
    void sharedPackages_importOnlyTheLayersBelowThem() throws IOException {
        List<String> violations = new ArrayList<>();
        List<Path> sources = sources();
        assertThat(sources).hasSizeGreaterThan(100);
        for (Path source : sources) {
            violations.addAll(violations(source.toString(), Files.readString(source, StandardCharsets.UTF_8)));
        }
        assertThat(violations).as("imports against the arrows").isEmpty();
    }

    @Test
    void everySharedPackage_hasALayer() throws IOException {
        for (Path source : sources()) {
            String pkg = packageOf(Files.readString(source, StandardCharsets.UTF_8));
            assertThat(layerOf(pkg))
                    .as(source + " is in no layer of ArrowsTest")
                    .isNotNull();
        }
    }

    /**
     * Configuration is read only through {@code Config}: no class of shared's or of a function's
     * reads the environment or system properties itself, so every setting is in one place with its
     * validation.
     */
    @Test
    void onlyConfig_readsTheEnvironment() throws IOException {
        List<Path> sources = new ArrayList<>(sources());
        try (Stream<Path> functions = Files.walk(Path.of("../functions"))) {
            functions.filter(p -> p.toString().endsWith(".java")).forEach(sources::add);
        }
        List<String> readers = new ArrayList<>();
        for (Path source : sources) {
            String text = Files.readString(source, StandardCharsets.UTF_8);
            if (READS_ENVIRONMENT.matcher(text).find() && !source.endsWith("dev/twofa/config/Config.java")) {
                readers.add(source.toString());
            }
        }
        assertThat(sources).hasSizeGreaterThan(120);
        assertThat(readers).as("read the environment outside Config").isEmpty();
        assertThat(READS_ENVIRONMENT
                        .matcher("String claim = System.getenv(\"ORG_CLAIM\");")
                        .find())
                .as("self-test")
                .isTrue();
    }

    private static final Pattern READS_ENVIRONMENT =
            Pattern.compile("System\\s*\\.\\s*get(env|Property|Properties)\\b");

    /** The rule itself can fail: the arrows the issue named as wrong are reported. */
    @Test
    void selfTest_reportsAPortImportingAUseCaseAndAUseCaseImportingAnAdapter() {
        assertThat(violations(
                        "port/AuditTrail.java",
                        "package dev.twofa.port;\nimport dev.twofa.app.SecurityEvent;\nclass AuditTrail {}\n"))
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("dev.twofa.port")
                .contains("dev.twofa.app.SecurityEvent");
        assertThat(violations(
                        "app/common/X.java",
                        "package dev.twofa.app.common;\nimport dev.twofa.app.SmsSend;\nclass X {}\n"))
                .hasSize(1);
        assertThat(violations(
                        "app/X.java",
                        "package dev.twofa.app;\nclass X { Object o = new dev.twofa.aws.DynamoTable(null, null); }\n"))
                .hasSize(1);
        assertThat(violations(
                        "domain/X.java",
                        "package dev.twofa.domain.otp;\nimport dev.twofa.domain.sms.SmsCodes;\nclass X {}\n"))
                .isEmpty();
    }

    private static List<String> violations(String file, String text) {
        String pkg = packageOf(text);
        String layer = layerOf(pkg);
        List<String> found = new ArrayList<>();
        if (layer == null) {
            found.add(file + ": package " + pkg + " has no layer");
            return found;
        }
        Set<String> allowed = ALLOWED.get(layer);
        List<String> targets = new ArrayList<>();
        Matcher imports = IMPORT.matcher(text);
        while (imports.find()) {
            targets.add(imports.group(1));
        }
        // Code only: a comment may point anywhere (a Javadoc link to the mapping that uses a class).
        String code = text.replaceAll("(?s)/\\*.*?\\*/", "")
                .replaceAll("(?m)//.*$", "")
                .replaceAll("(?m)^(import|package) .*$", "");
        Matcher qualified = QUALIFIED.matcher(code);
        while (qualified.find()) {
            targets.add(qualified.group(1));
        }
        for (String target : targets) {
            String targetLayer = layerOf(target);
            if (targetLayer == null || targetLayer.equals(layer) || allowed.contains(targetLayer)) {
                continue;
            }
            found.add(file + ": " + layer + " must not use " + target + " (" + targetLayer + ")");
        }
        return found;
    }

    /** The longest layer prefix of a package or class name (so {@code app.common} before {@code app}). */
    private static String layerOf(String name) {
        String best = null;
        for (String layer : ALLOWED.keySet()) {
            if ((name.equals(layer) || name.startsWith(layer + "."))
                    && (best == null || layer.length() > best.length())) {
                best = layer;
            }
        }
        return best;
    }

    private static String packageOf(String text) {
        Matcher m = PACKAGE.matcher(text);
        return m.find() ? m.group(1) : "";
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static Set<String> union(Set<String> base, String... more) {
        Set<String> all = new java.util.HashSet<>(base);
        all.addAll(List.of(more));
        return Set.copyOf(all);
    }
}
