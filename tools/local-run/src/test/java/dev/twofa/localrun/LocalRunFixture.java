package dev.twofa.localrun;

import dev.twofa.wiring.Wiring;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The local run as a test class's fixture: started before the class's first test (and before its
 * own {@code @BeforeAll} methods) from the repository's template.yaml on an ephemeral port, with the
 * cipher's key in a temporary folder of its own, and closed after the class's {@code @AfterAll}
 * methods. On a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalRunFixture LOCAL = LocalRunFixture.withEnv(Map.of("SMS_SECONDS_BETWEEN_SENDS", "0"));
 * }</pre>
 *
 * In tools/local-run's test jar, for the tests of tools/local-run, tests/integration and tests/e2e.
 */
public final class LocalRunFixture implements BeforeAllCallback, AfterAllCallback {
    private final Supplier<Map<String, String>> env;
    private final boolean siteCopy;
    private final BiFunction<TemplateRoutes.Route, Wiring, LocalFunction> functions;
    private Path folder;
    private LocalRun run;

    private LocalRunFixture(
            Supplier<Map<String, String>> env,
            boolean siteCopy,
            BiFunction<TemplateRoutes.Route, Wiring, LocalFunction> functions) {
        this.env = env;
        this.siteCopy = siteCopy;
        this.functions = functions;
    }

    /** With the local defaults alone (embedded adapters, the run's own environment). */
    public static LocalRunFixture withDefaults() {
        return withEnv(Map.of());
    }

    /** With these variables over the local defaults ({@link LocalRun.Options#env()}). */
    public static LocalRunFixture withEnv(Map<String, String> env) {
        return withEnvFrom(() -> env);
    }

    /** With the variables {@code env} gives when the run starts (e.g. an emulator's address). */
    public static LocalRunFixture withEnvFrom(Supplier<Map<String, String>> env) {
        return new LocalRunFixture(env, false, LocalFunction::load);
    }

    /**
     * Serving a copy of template.yaml and web/ in the fixture's folder, so that a test may rewrite
     * the web client's files ({@link LocalRun#webRoot()}) without touching the repository's.
     */
    public LocalRunFixture servingACopyOfTheSite() {
        return new LocalRunFixture(env, true, functions);
    }

    /** With {@code functions} making the function that serves each route (tools/local-run's own tests). */
    LocalRunFixture withFunctions(BiFunction<TemplateRoutes.Route, Wiring, LocalFunction> functions) {
        return new LocalRunFixture(env, siteCopy, functions);
    }

    /**
     * The repository: the system property {@code twofa.repoRoot} (the poms set it), else the nearest
     * folder with a template.yaml at or above the working directory.
     */
    public static Path repoRoot() {
        String root = System.getProperty("twofa.repoRoot");
        if (root != null) {
            return Path.of(root).toAbsolutePath().normalize();
        }
        return TemplateRoutes.find(Path.of(""))
                .map(template -> template.toAbsolutePath().getParent())
                .orElseThrow(() -> new IllegalStateException(
                        "no template.yaml above " + Path.of("").toAbsolutePath()));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        folder = Files.createTempDirectory("twofa-local-run-");
        Path template = repoRoot().resolve("template.yaml");
        if (siteCopy) {
            template = copySite(folder);
        }
        run = LocalRun.start(
                LocalRun.Options.defaults()
                        .withPort(0)
                        .withTemplate(template)
                        .withEnv(env.get())
                        .withKeyFile(folder.resolve(".local/secret.key")),
                functions);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (run != null) {
                run.close();
            }
        } finally {
            if (folder != null) {
                deleteTree(folder);
            }
        }
    }

    public LocalRun run() {
        if (run == null) {
            throw new IllegalStateException("the local run starts before the test class's first test");
        }
        return run;
    }

    public URI baseUrl() {
        return run().baseUrl();
    }

    public int port() {
        return run().port();
    }

    /** template.yaml and the files of web/ (not its folders), into {@code folder}. */
    private static Path copySite(Path folder) throws IOException {
        Path root = repoRoot();
        Path template = Files.copy(root.resolve("template.yaml"), folder.resolve("template.yaml"));
        Path web = Files.createDirectories(folder.resolve("web"));
        try (Stream<Path> files = Files.list(root.resolve("web"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, web.resolve(file.getFileName().toString()));
            }
        }
        return template;
    }

    private static void deleteTree(Path folder) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(folder)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path path : paths) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + path, e);
            }
        }
    }
}
