package dev.twofa.lambda;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the functions' JVMs are made of: the JDK scripts/lib/common.sh picks for the build (its own
 * pick_java_home, run once: $JAVA_HOME when it qualifies, else the lowest JDK ≥ 21 found), and the
 * managed java21 runtime's class path (the runtime interface client with aws-lambda-java-core and
 * aws-lambda-java-serialization), which the pom copies to target/lambda-runtime.
 */
final class LambdaJava {
    /** The order of the managed runtime's -classpath. */
    private static final List<String> RUNTIME_JARS = List.of(
            "aws-lambda-java-core-", "aws-lambda-java-runtime-interface-client-", "aws-lambda-java-serialization-");

    private static Path home;

    private LambdaJava() {}

    static synchronized Path home() {
        if (home == null) {
            home = pickJavaHome();
        }
        return home;
    }

    static Path runtimeDirectory() {
        String dir = System.getProperty("twofa.lambdaRuntime");
        Path path = dir == null || dir.startsWith("${")
                ? Path.of("target", "lambda-runtime").toAbsolutePath()
                : Path.of(dir);
        if (!Files.isDirectory(path)) {
            throw new AssertionError(path + " does not exist: the pom copies the runtime interface client there"
                    + " (generate-test-resources); run the tier through Maven (./mvnw verify -pl tests/lambda -am)");
        }
        return path;
    }

    static String runtimeClassPath() {
        Path dir = runtimeDirectory();
        List<Path> jars;
        try (Stream<Path> files = Files.list(dir)) {
            jars = files.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return RUNTIME_JARS.stream()
                .map(prefix -> jars.stream()
                        .filter(j -> j.getFileName().toString().startsWith(prefix))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no " + prefix + "*.jar in " + dir)))
                .map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static Path pickJavaHome() {
        Path root = DeployedStack.repoRoot();
        ProcessBuilder builder = new ProcessBuilder(
                        "bash", "-c", ". scripts/lib/common.sh && pick_java_home && printf '%s' \"$JAVA_HOME\"")
                .directory(root.toFile());
        try {
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0 || out.isBlank()) {
                throw new AssertionError("scripts/lib/common.sh found no JDK >= 21 for the functions: " + err);
            }
            return Path.of(out.strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run bash for scripts/lib/common.sh", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
