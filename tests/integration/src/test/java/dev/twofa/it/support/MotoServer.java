package dev.twofa.it.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * moto_server (PyPI {@code moto[server]}) as a child process on 127.0.0.1, for KMS, SES and SNS.
 * Found at {@code $MOTO_SERVER_BIN}, else {@code <repo root>/.venv/bin/moto_server}, else on
 * {@code PATH}. Stopped by its own process handle: destroy, then destroyForcibly.
 */
final class MotoServer {
    static final String INSTALL_HINT =
            "Run the tests with scripts/test: it creates .venv/ at the repo root and installs"
                    + " the pinned moto[server] there (see scripts/lib/common.sh), or set MOTO_SERVER_BIN"
                    + " to a moto_server executable.";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final URI endpoint;
    private final Path log;

    private MotoServer(Process process, URI endpoint, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.log = log;
    }

    static MotoServer start(Path repoRoot) {
        Path bin = locate(repoRoot);
        int port = freeLoopbackPort();
        Path log = logFile(port);
        Process process;
        try {
            process = new ProcessBuilder(bin.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("Could not run " + bin + ": " + e.getMessage() + ". " + INSTALL_HINT, e);
        }
        MotoServer server = new MotoServer(process, URI.create("http://127.0.0.1:" + port), log);
        server.awaitReady(bin);
        return server;
    }

    URI endpoint() {
        return endpoint;
    }

    void stop() {
        ProcessHandle handle = process.toHandle();
        List<ProcessHandle> children = handle.descendants().toList();
        handle.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                handle.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            handle.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private void awaitReady(Path bin) {
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .proxy(HttpClient.Builder.NO_PROXY)
                .build();
        HttpRequest probe = HttpRequest.newBuilder(endpoint.resolve("/moto-api/data.json"))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        String lastError = "no answer yet";
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(bin + " exited with code " + process.exitValue()
                        + " before answering on " + endpoint + ". Its output:\n" + output() + "\n" + INSTALL_HINT);
            }
            try {
                HttpResponse<Void> response = http.send(probe, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
                lastError = "HTTP " + response.statusCode();
            } catch (ConnectException e) {
                lastError = "connection refused";
            } catch (IOException e) {
                lastError = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IllegalStateException("Interrupted while waiting for moto_server", e);
            }
            sleep(200);
        }
        stop();
        throw new IllegalStateException(bin + " did not answer on " + endpoint + " within " + START_TIMEOUT.toSeconds()
                + " s (last: " + lastError + "). Its output:\n" + output());
    }

    private String output() {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.isBlank() ? "(none)" : text;
        } catch (IOException e) {
            return "(could not read " + log + ": " + e.getMessage() + ")";
        }
    }

    static Path locate(Path repoRoot) {
        List<String> looked = new ArrayList<>();
        String fromEnv = Emulators.setting("MOTO_SERVER_BIN", "twofa.motoServerBin");
        if (fromEnv != null) {
            Path p = Path.of(fromEnv);
            if (Files.isExecutable(p)) {
                return p.toAbsolutePath();
            }
            throw new IllegalStateException(
                    "MOTO_SERVER_BIN=" + fromEnv + " is not an executable file. " + INSTALL_HINT);
        }
        looked.add("$MOTO_SERVER_BIN (unset)");
        Path venv = repoRoot.resolve(".venv/bin/moto_server");
        if (Files.isExecutable(venv)) {
            return venv.toAbsolutePath();
        }
        looked.add(venv.toString());
        Optional<Path> onPath = onPath("moto_server");
        if (onPath.isPresent()) {
            return onPath.get();
        }
        looked.add("moto_server on PATH");
        throw new IllegalStateException(
                "moto_server not found (looked at: " + String.join(", ", looked) + "). " + INSTALL_HINT);
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return Optional.of(candidate.toAbsolutePath());
                }
            }
        }
        return Optional.empty();
    }

    static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        }
    }

    private static Path logFile(int port) {
        try {
            Path dir = Path.of("target");
            if (Files.isDirectory(dir)) {
                return dir.resolve("moto_server-" + port + ".log").toAbsolutePath();
            }
            return Files.createTempFile("moto_server-" + port + "-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
