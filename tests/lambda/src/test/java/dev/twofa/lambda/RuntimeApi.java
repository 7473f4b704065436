package dev.twofa.lambda;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Lambda Runtime API (version 2018-06-01) for one function's JVM, served on 127.0.0.1 as the
 * Lambda service serves it to the runtime interface client: {@code GET /runtime/invocation/next}
 * hands out one event at a time and blocks while there is none; the function answers on {@code POST
 * /runtime/invocation/{id}/response} or {@code …/error}; an init failure arrives on {@code POST
 * /runtime/init/error}. For SnapStart (init type {@code snap-start}) it also answers {@code GET
 * /runtime/restore/next} at once (there is no snapshot here), and it serves the container
 * credentials that Lambda gives SnapStart functions instead of access-key variables.
 */
final class RuntimeApi implements AutoCloseable {
    private static final String BASE = "/2018-06-01/runtime";
    static final String CREDENTIALS_PATH = "/2021-04-23/credentials";
    private static final Pattern INVOCATION = Pattern.compile(BASE + "/invocation/([^/]+)/(response|error)");

    /** What the function answered to one event: its response payload, or the error it reported. */
    record Answer(String requestId, byte[] payload, String errorType, long handedOutNanos, long answeredNanos) {
        boolean failed() {
            return errorType != null;
        }

        Duration duration() {
            return Duration.ofNanos(answeredNanos - handedOutNanos);
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** An init failure the runtime reported ({@code POST /runtime/init/error}). */
    record InitError(String errorType, String body) {}

    private record Pending(String requestId, byte[] event, CompletableFuture<Answer> answer) {}

    private final HttpServer server;
    private final ExecutorService threads;
    private final String functionArn;
    private final Duration timeout;
    private final String credentialsToken = UUID.randomUUID().toString();
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Map<String, Pending> handedOut = new ConcurrentHashMap<>();
    private final Map<String, Long> handedOutAt = new ConcurrentHashMap<>();
    private final CompletableFuture<Long> firstNext = new CompletableFuture<>();
    private final CompletableFuture<InitError> initError = new CompletableFuture<>();
    private volatile boolean closed;

    private RuntimeApi(HttpServer server, ExecutorService threads, String functionArn, Duration timeout) {
        this.server = server;
        this.threads = threads;
        this.functionArn = functionArn;
        this.timeout = timeout;
    }

    /** Serves the API for the function {@code functionArn}, whose events time out after {@code timeout}. */
    static RuntimeApi start(String functionArn, Duration timeout) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ExecutorService threads = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "runtime-api");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(threads);
            RuntimeApi api = new RuntimeApi(server, threads, functionArn, timeout);
            server.createContext("/", api::handle);
            server.start();
            return api;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the Runtime API on 127.0.0.1", e);
        }
    }

    /** host:port, the value of AWS_LAMBDA_RUNTIME_API. */
    String hostAndPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN, as Lambda sets them under SnapStart. */
    Map<String, String> containerCredentials() {
        return Map.of(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "http://" + hostAndPort() + CREDENTIALS_PATH,
                "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                credentialsToken);
    }

    /** Completes with System.nanoTime() when the runtime first asks for an event: init is over. */
    CompletableFuture<Long> firstNext() {
        return firstNext;
    }

    CompletableFuture<InitError> initError() {
        return initError;
    }

    /** Hands {@code event} to the function and waits up to {@code wait} for its answer. */
    Answer invoke(byte[] event, Duration wait) throws TimeoutException {
        Pending pending = new Pending(UUID.randomUUID().toString(), event, new CompletableFuture<>());
        queue.add(pending);
        try {
            return pending.answer().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the function ran", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            queue.remove(pending);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (method.equals("GET") && path.equals(BASE + "/invocation/next")) {
                next(exchange);
            } else if (method.equals("POST") && path.equals(BASE + "/init/error")) {
                initError.complete(new InitError(
                        exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type"),
                        new String(body, StandardCharsets.UTF_8)));
                respond(exchange, 202, "{\"status\":\"OK\"}");
            } else if (method.equals("GET") && path.equals(BASE + "/restore/next")) {
                // No snapshot is taken here: the "restored" environment is the one that ran init.
                respond(exchange, 200, "");
            } else if (method.equals("POST") && path.equals(BASE + "/restore/error")) {
                initError.complete(new InitError(
                        exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type"),
                        "after restore: " + new String(body, StandardCharsets.UTF_8)));
                respond(exchange, 202, "{\"status\":\"OK\"}");
            } else if (method.equals("POST") && INVOCATION.matcher(path).matches()) {
                Matcher m = INVOCATION.matcher(path);
                m.matches();
                answered(exchange, m.group(1), m.group(2).equals("error"), body);
            } else if (method.equals("GET") && path.equals(CREDENTIALS_PATH)) {
                credentials(exchange);
            } else {
                respond(exchange, 404, "{\"errorMessage\":\"no such Runtime API path: " + method + " " + path + "\"}");
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        firstNext.complete(System.nanoTime());
        Pending pending = null;
        try {
            while (pending == null && !closed) {
                pending = queue.poll(200, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (pending == null) {
            respond(exchange, 503, "{\"errorMessage\":\"shutting down\"}");
            return;
        }
        handedOut.put(pending.requestId(), pending);
        var headers = exchange.getResponseHeaders();
        // The native client of the runtime interface client aborts the JVM on a /next without one.
        headers.set("Content-Type", "application/json");
        headers.set("Lambda-Runtime-Aws-Request-Id", pending.requestId());
        headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + timeout.toMillis()));
        headers.set("Lambda-Runtime-Invoked-Function-Arn", functionArn);
        headers.set(
                "Lambda-Runtime-Trace-Id",
                "Root=1-" + Long.toHexString(Instant.now().getEpochSecond()) + "-"
                        + UUID.randomUUID().toString().replace("-", "").substring(0, 24) + ";Sampled=0");
        handedOutAt.put(pending.requestId(), System.nanoTime());
        exchange.sendResponseHeaders(200, pending.event().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(pending.event());
        }
    }

    private void answered(HttpExchange exchange, String requestId, boolean error, byte[] body) throws IOException {
        long now = System.nanoTime();
        Pending pending = handedOut.remove(requestId);
        if (pending == null) {
            respond(exchange, 400, "{\"errorMessage\":\"unknown request id " + requestId + "\"}");
            return;
        }
        String errorType = error
                ? Optional.ofNullable(exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type"))
                        .orElse("Unhandled")
                : null;
        respond(exchange, 202, "{\"status\":\"OK\"}");
        pending.answer().complete(new Answer(requestId, body, errorType, handedOutAt.remove(requestId), now));
    }

    /** The container credentials endpoint: static test credentials, for the caller holding the token. */
    private void credentials(HttpExchange exchange) throws IOException {
        if (!credentialsToken.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            respond(exchange, 403, "{\"message\":\"wrong authorization token\"}");
            return;
        }
        respond(
                exchange,
                200,
                JSON.std.asString(Map.of(
                        "AccessKeyId", "test",
                        "SecretAccessKey", "test",
                        "Token", "test",
                        "Expiration", Instant.now().plus(Duration.ofHours(1)).toString())));
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        threads.shutdownNow();
    }
}
