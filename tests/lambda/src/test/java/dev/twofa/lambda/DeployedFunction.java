package dev.twofa.lambda;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.it.deployment.Givens;
import dev.twofa.it.deployment.SamTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * One function of template.yaml as Lambda runs it: its deployment jar ({@code
 * functions/<module>/target/function.jar}) unpacked into a task root, as {@code sam build} lays it
 * out and as the runtime interface client's customer class loader reads it (the working directory);
 * a JVM of its own whose class path holds the Lambda runtime's three jars and nothing of ours; the
 * managed java21 runtime's JVM flags; the function's template environment, JAVA_TOOL_OPTIONS
 * included; and the variables the Lambda service sets. Its AWS calls go through its own {@link
 * AwsWire}, so each request's calls are counted on the wire.
 */
final class DeployedFunction implements AutoCloseable {
    private static final String MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    static final String REGION = "eu-west-1";
    static final String ACCOUNT = "123456789012";
    /** Longer than any function's Timeout: the harness reports durations, it does not judge them. */
    private static final Duration INIT_WAIT = Duration.ofSeconds(120);

    /** One request the function answered (or failed). */
    /**
     * One request: its answer's status (-1 for a function error), how long it took, its AWS calls on the
     * wire and how long they waited on the emulators.
     */
    record Invocation(String what, int status, Duration duration, List<String> awsCalls, Duration upstream) {
        /** The function's own time: the request less its wait on the emulators. */
        Duration own() {
            return duration.minus(upstream);
        }
    }

    private final SamTemplate.Function function;
    private final Process process;
    private final RuntimeApi runtime;
    private final AwsWire wire;
    private final Path log;
    private final Duration timeout;
    private volatile List<String> callsBeforeFirstRequest = List.of();
    private final List<Invocation> invocations = new CopyOnWriteArrayList<>();
    private final Duration init;
    private final String initFailure;

    private DeployedFunction(
            SamTemplate.Function function,
            Process process,
            RuntimeApi runtime,
            AwsWire wire,
            Path log,
            Duration timeout,
            Duration init,
            String initFailure) {
        this.function = function;
        this.process = process;
        this.runtime = runtime;
        this.wire = wire;
        this.log = log;
        this.timeout = timeout;
        this.init = init;
        this.initFailure = initFailure;
    }

    /**
     * Starts the function and waits until its runtime asks for the first event (init done) or
     * reports an init error, or its JVM exits. A failed init is recorded, not thrown: {@link
     * #initFailure()} says what went wrong and every invocation fails with it.
     */
    static DeployedFunction start(SamTemplate.Function function, DeployedStack stack) {
        return start(
                function,
                stack,
                DeployedStack.repoRoot()
                        .resolve("functions")
                        .resolve(function.module())
                        .resolve("target/function.jar"),
                Path.of("target", "lambda", function.module()).toAbsolutePath(),
                DeployedStack.PRIMED);
    }

    /**
     * Another JVM of {@code function} beside the stack's own (LambdaBench starts a fresh one per
     * measurement): {@code jar} as its deployment jar, {@code work} for its task root and log, primed
     * at init or not.
     */
    static DeployedFunction start(
            SamTemplate.Function function, DeployedStack stack, Path jar, Path work, boolean primed) {
        Path taskRoot = unpack(jar, work.resolve("task"));
        Path log = work.resolve("function.log");
        String name = DeployedStack.STACK_NAME + "-" + function.logicalId();
        Duration timeout = Duration.ofSeconds(number(function.properties().get("Timeout"), 3));
        int memory = number(function.properties().get("MemorySize"), 128);
        boolean snapStart = "PublishedVersions"
                .equals(map(function.properties().get("SnapStart")).get("ApplyOn"));

        RuntimeApi runtime = RuntimeApi.start(
                "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + name + (snapStart ? ":live" : ""), timeout);
        AwsWire wire = AwsWire.start(stack.dynamoDbEndpoint(), stack.awsEndpoint());

        List<String> command = command(function, memory);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(taskRoot.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Map<String, String> env = builder.environment();
        // Lambda's environment, not the test's: nothing of the developer's AWS profile or PATH.
        env.clear();
        env.putAll(lambdaVariables(function, stack, name, memory, snapStart, taskRoot, runtime));
        // No shared config or credentials files exist in Lambda.
        env.put("AWS_CONFIG_FILE", work.resolve("no-aws-config").toString());
        env.put(
                "AWS_SHARED_CREDENTIALS_FILE",
                work.resolve("no-aws-credentials").toString());
        env.put("AWS_ENDPOINT_URL", wire.endpoint().toString());
        // The template's variables (Globals merged in: TABLE_NAME, JAVA_TOOL_OPTIONS), !Ref resolved.
        function.environment().forEach((key, value) -> env.put(key, stack.resolve(value)));
        // SnapStart primes before its snapshot; with no CRaC JVM here, the function primes at init instead
        // (-Dtwofa.prime=false measures it unprimed).
        env.put("TWOFA_PRIME_AT_INIT", Boolean.toString(primed));

        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            runtime.close();
            wire.close();
            throw new UncheckedIOException("cannot start " + command, e);
        }
        Duration init = null;
        String failure = awaitInit(process, runtime, log);
        if (failure == null) {
            init = Duration.ofNanos(runtime.firstNext().join() - started);
        }
        return new DeployedFunction(function, process, runtime, wire, log, timeout, init, failure);
    }

    /** The managed java21 runtime's command line: its launcher's JVM flags, class path and main class. */
    private static List<String> command(SamTemplate.Function function, int memory) {
        List<String> command = new ArrayList<>();
        command.add(LambdaJava.home().resolve("bin/java").toString());
        // Heap 85 % of the memory size, serial GC, CDS, C1 only, the RIC's CRaC compatibility shim.
        command.add("-XX:MaxHeapSize=" + Math.round(memory * 1024 * 0.85) + "k");
        command.add("-XX:+UseSerialGC");
        command.add("-Xshare:auto");
        command.add("-XX:+TieredCompilation");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("--add-opens=java.base/java.io=ALL-UNNAMED");
        command.add("-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac");
        command.add("-XX:+ErrorFileToStderr");
        // A diagnosis's extra JVM flags, e.g. -Dtwofa.lambda.jvmArgs=-Xlog:class+load to see what a request
        // loads that priming did not.
        for (String extra : System.getProperty("twofa.lambda.jvmArgs", "").split(" ")) {
            if (!extra.isBlank()) {
                command.add(extra);
            }
        }
        command.add("-classpath");
        command.add(LambdaJava.runtimeClassPath());
        command.add(MAIN);
        command.add((String) function.properties().get("Handler"));
        return command;
    }

    /** The variables the Lambda service sets for a function (its reserved ones). */
    private static Map<String, String> lambdaVariables(
            SamTemplate.Function function,
            DeployedStack stack,
            String name,
            int memory,
            boolean snapStart,
            Path taskRoot,
            RuntimeApi runtime) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("LAMBDA_RUNTIME_DIR", LambdaJava.runtimeDirectory().toString());
        env.put("_HANDLER", (String) function.properties().get("Handler"));
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("AWS_REGION", REGION);
        env.put("AWS_DEFAULT_REGION", REGION);
        env.put("AWS_LAMBDA_FUNCTION_NAME", name);
        env.put("AWS_LAMBDA_FUNCTION_VERSION", snapStart ? "1" : "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memory));
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + DeployedStack.STACK_NAME + "/" + function.module());
        env.put(
                "AWS_LAMBDA_LOG_STREAM_NAME",
                "[1]" + UUID.randomUUID().toString().replace("-", ""));
        Map<String, Object> logging = map(function.properties().get("LoggingConfig"));
        if (logging.get("LogFormat") instanceof String format) {
            env.put("AWS_LAMBDA_LOG_FORMAT", format);
            env.put("AWS_LAMBDA_LOG_LEVEL", stack.resolve(logging.getOrDefault("ApplicationLogLevel", "INFO")));
        }
        // SnapStart runs init when a version is published; its functions get container credentials,
        // never the access-key variables.
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", snapStart ? "snap-start" : "on-demand");
        env.put("AWS_LAMBDA_RUNTIME_API", runtime.hostAndPort());
        if (snapStart) {
            env.putAll(runtime.containerCredentials());
        } else {
            env.put("AWS_ACCESS_KEY_ID", "test");
            env.put("AWS_SECRET_ACCESS_KEY", "test");
            env.put("AWS_SESSION_TOKEN", "test");
        }
        return env;
    }

    private static String awaitInit(Process process, RuntimeApi runtime, Path log) {
        long deadline = System.nanoTime() + INIT_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (runtime.initError().isDone()) {
                RuntimeApi.InitError error = runtime.initError().join();
                waitForExit(process);
                return "init error " + error.errorType() + ": " + error.body() + "\n" + tail(log);
            }
            if (runtime.firstNext().isDone()) {
                return null;
            }
            if (!process.isAlive()) {
                return "the JVM exited with code " + process.exitValue() + " during init\n" + tail(log);
            }
            try {
                runtime.firstNext().get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // keep waiting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted during init";
            } catch (ExecutionException e) {
                return e.getCause().toString();
            }
        }
        return "no request for an event within " + INIT_WAIT.toSeconds() + " s of the JVM's start\n" + tail(log);
    }

    SamTemplate.Function function() {
        return function;
    }

    /** JVM start until the runtime asked for its first event; empty when init failed. */
    Optional<Duration> init() {
        return Optional.ofNullable(init);
    }

    /** Why init failed (init error, JVM exit, no answer), with the end of the function's log; empty when it started. */
    /**
     * The AWS calls made on the wire before the function's first request: init's and priming's (once
     * the runtime has asked for its first event, SnapStart's checkpoint hooks have run too).
     */
    List<String> callsBeforeFirstRequest() {
        return invocations.isEmpty() ? wire.since(0) : callsBeforeFirstRequest;
    }

    Optional<String> initFailure() {
        return Optional.ofNullable(initFailure);
    }

    List<Invocation> invocations() {
        return List.copyOf(invocations);
    }

    /** The recording proxy this function's SDK calls go through. */
    AwsWire wire() {
        return wire;
    }

    /**
     * Sends an API Gateway event and returns the function's HTTP answer. A function error (the
     * runtime's {@code /error}) or a dead JVM is an {@link AssertionError} naming the error.
     */
    Givens.Reply invoke(String what, String event) {
        if (initFailure != null) {
            throw new AssertionError(function.logicalId() + " did not get through init: " + initFailure);
        }
        if (!process.isAlive()) {
            throw new AssertionError(
                    function.logicalId() + "'s JVM has exited (code " + process.exitValue() + ")\n" + tail(log));
        }
        if (invocations.isEmpty()) {
            callsBeforeFirstRequest = wire.since(0);
        }
        int mark = wire.mark();
        RuntimeApi.Answer answer;
        try {
            answer = runtime.invoke(event.getBytes(StandardCharsets.UTF_8), timeout.multipliedBy(6));
        } catch (TimeoutException e) {
            throw new AssertionError(function.logicalId() + " gave no answer to " + what + "\n" + tail(log));
        }
        List<String> calls = wire.since(mark);
        Duration upstream = wire.upstreamSince(mark);
        if (answer.failed()) {
            invocations.add(new Invocation(what, -1, answer.duration(), calls, upstream));
            throw new AssertionError(function.logicalId() + " failed on " + what + " with " + answer.errorType() + ": "
                    + answer.text() + "\n" + tail(log));
        }
        Map<String, Object> response;
        try {
            response = JSON.std.mapFrom(answer.payload());
        } catch (IOException e) {
            throw new AssertionError(function.logicalId() + " answered " + what + " with no JSON: " + answer.text());
        }
        int status = ((Number) response.get("statusCode")).intValue();
        invocations.add(new Invocation(what, status, answer.duration(), calls, upstream));
        Map<String, String> headers = new LinkedHashMap<>();
        map(response.get("headers")).forEach((k, v) -> headers.put(k, String.valueOf(v)));
        return new Givens.Reply(status, headers, (String) response.get("body"));
    }

    @Override
    public void close() {
        process.destroy();
        waitForExit(process);
        runtime.close();
        wire.close();
    }

    private static void waitForExit(Process process) {
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines of this function's output, for failure messages. */
    String logTail() {
        return tail(log);
    }

    /** The last lines of the function's output, for failure messages. */
    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "--- " + log + " (last lines) ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    /** function.jar unpacked into {@code dir}, as `sam build` (scripts/sam-build-function) lays out the artifact. */
    private static Path unpack(Path jar, Path dir) {
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " does not exist: the function modules are packaged before this tier runs"
                    + " (./mvnw verify builds them; scripts/test runs everything)");
        }
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(dir);
            try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(jar))) {
                for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                    Path target = dir.resolve(entry.getName()).normalize();
                    if (!target.startsWith(dir)) {
                        throw new IOException("entry outside the task root: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + jar, e);
        }
    }

    private static int number(Object value, int fallback) {
        return value == null ? fallback : Integer.parseInt(String.valueOf(value));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
