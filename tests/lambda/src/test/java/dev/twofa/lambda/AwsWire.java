package dev.twofa.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one AWS endpoint a function's SDK sees (its AWS_ENDPOINT_URL): a recording proxy on 127.0.0.1
 * that forwards DynamoDB requests to DynamoDB Local and every other service (KMS, SES, SNS) to moto
 * (the two listen on different ports; with LocalStack both are the same), and counts each request
 * on the wire as {@code service:Action}, retries included.
 */
final class AwsWire implements AutoCloseable {
    /** SigV4: {@code Credential=<key>/<date>/<region>/<service>/aws4_request}. */
    private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request");
    /** What java.net.http sets itself (or refuses to take from a caller). */
    private static final Set<String> HOP_BY_HOP =
            Set.of("connection", "content-length", "expect", "host", "upgrade", "transfer-encoding", "keep-alive");

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final HttpServer server;
    private final ExecutorService threads;
    private final URI dynamoDb;
    private final URI others;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    /** Each call's bodies, at the index of its name in {@link #calls}: what LambdaBench prices. */
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

    /**
     * One call on the wire: its name as in {@link #since}, the request body, the answer's body, and
     * how long the emulator took (request read until answer received).
     */
    record Exchange(String call, byte[] request, byte[] response, Duration duration) {}

    private AwsWire(HttpServer server, ExecutorService threads, URI dynamoDb, URI others) {
        this.server = server;
        this.threads = threads;
        this.dynamoDb = dynamoDb;
        this.others = others;
    }

    static AwsWire start(URI dynamoDb, URI others) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ExecutorService threads = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "aws-wire");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(threads);
            AwsWire wire = new AwsWire(server, threads, dynamoDb, others);
            server.createContext("/", wire::forward);
            server.start();
            return wire;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1", e);
        }
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** How many calls went through so far: a mark for {@link #since}. */
    int mark() {
        return calls.size();
    }

    /** The calls made after {@code mark}, in order, e.g. {@code dynamodb:GetItem}, {@code kms:Decrypt}. */
    List<String> since(int mark) {
        return List.copyOf(calls.subList(mark, calls.size()));
    }

    /** The calls made after {@code mark} with their bodies, once each has been answered. */
    List<Exchange> exchangesSince(int mark) {
        return List.copyOf(exchanges.subList(mark, exchanges.size()));
    }

    /**
     * How long the calls after {@code mark} waited on the emulators: time the function spent on the
     * emulators' own work and warm-up (DynamoDB Local's first transaction takes a quarter of a second),
     * which a deployed function spends on AWS's instead. The function's own time is the rest.
     */
    Duration upstreamSince(int mark) {
        return exchanges.subList(mark, exchanges.size()).stream()
                .map(Exchange::duration)
                .reduce(Duration.ZERO, Duration::plus);
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            long received = System.nanoTime();
            String service = service(exchange.getRequestHeaders().getFirst("Authorization"));
            String call = service + ":" + action(exchange, body);
            int index;
            synchronized (calls) {
                index = calls.size();
                calls.add(call);
                exchanges.add(new Exchange(call, body, new byte[0], Duration.ZERO));
            }
            URI base = service.equals("dynamodb") ? dynamoDb : others;
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create(base.toString().replaceAll("/$", "") + exchange.getRequestURI()))
                    .timeout(Duration.ofSeconds(60))
                    .method(
                            exchange.getRequestMethod(),
                            body.length == 0
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<byte[]> response;
            try {
                response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
                return;
            } catch (IOException e) {
                byte[] message = ("emulator at " + base + " did not answer: " + e).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(502, message.length);
                exchange.getResponseBody().write(message);
                return;
            }
            response.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] answer = response.body();
            exchanges.set(index, new Exchange(call, body, answer, Duration.ofNanos(System.nanoTime() - received)));
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        }
    }

    private static String service(String authorization) {
        Matcher m = SCOPE.matcher(authorization == null ? "" : authorization);
        return m.find() ? m.group(1) : "unsigned";
    }

    /** JSON protocols name the action in X-Amz-Target (DynamoDB_20120810.GetItem), query protocols in Action=. */
    private static String action(HttpExchange exchange, byte[] body) {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (target != null) {
            return target.substring(target.lastIndexOf('.') + 1);
        }
        String form = new String(body, StandardCharsets.UTF_8);
        for (String pair : form.split("&")) {
            if (pair.startsWith("Action=")) {
                return URLDecoder.decode(pair.substring("Action=".length()), StandardCharsets.UTF_8);
            }
        }
        return exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
