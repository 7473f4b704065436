package dev.twofa.it.fault;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fault-injecting HTTP proxy between the production SDK clients (AWS_ENDPOINT_URL) and the
 * emulators: DynamoDB calls go to DynamoDB Local, KMS, SES and SNS to moto (or all to LocalStack).
 *
 * <p>It names each request's AWS operation the way the services do (X-Amz-Target for the JSON
 * protocols of DynamoDB and KMS, the Action form parameter for the query protocols of SES and SNS,
 * the service from the SigV4 credential scope) and, for DynamoDB, the item families the request
 * touches (USER, AUDIT, NOTICE…: the part of each pk before '#'). It records every call, and, when
 * armed for an operation's Nth call, answers every attempt of that call (the SDK's
 * amz-sdk-invocation-id is the same on each retry) with the fault: a 500 of the service, its
 * throttling error in the wire shape its protocol uses, a dropped connection, or no answer at all.
 */
final class FaultProxy implements AutoCloseable {
    /** What the proxy does to an armed call. */
    enum Fault {
        INTERNAL_ERROR,
        THROTTLING,
        DROP,
        HANG
    }

    /** One attempt that reached the proxy. */
    record Call(String service, String operation, String families, String invocationId, int attempt) {
        /** The operation as the matrix names it, e.g. {@code dynamodb:PutItem[AUDIT]} or {@code kms:Decrypt}. */
        String label() {
            return service + ":" + operation + (families.isEmpty() ? "" : "[" + families + "]");
        }
    }

    private record Armed(String label, int nth, Fault fault) {}

    private static final Pattern PK = Pattern.compile("\"(?::)?pk\":\\{\"S\":\"([A-Z_]+)#");
    private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/[^/]+/[^/]+/([a-z0-9-]+)/aws4_request");

    private final URI dynamoUpstream;
    private final URI awsUpstream;
    private final ServerSocket server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    /** Invocation ids seen per label since arming, in order; the faulted one. */
    private final Map<String, List<String>> seen = new ConcurrentHashMap<>();

    private final Set<String> faulted = ConcurrentHashMap.newKeySet();
    private volatile Armed armed;
    private volatile int faultsInjected;

    FaultProxy(URI dynamoUpstream, URI awsUpstream) {
        this.dynamoUpstream = dynamoUpstream;
        this.awsUpstream = awsUpstream;
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new IllegalStateException("fault proxy: cannot listen on 127.0.0.1", e);
        }
        Thread.ofPlatform().daemon().name("fault-proxy-accept").start(this::acceptLoop);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Faults every attempt of the {@code nth} call (from 1) of {@code label} from now on. */
    synchronized void arm(String label, int nth, Fault fault) {
        seen.clear();
        faulted.clear();
        faultsInjected = 0;
        armed = new Armed(label, nth, fault);
    }

    synchronized void disarm() {
        armed = null;
        seen.clear();
        faulted.clear();
    }

    /** How many attempts the armed fault answered (the SDK's retries included). */
    int faultsInjected() {
        return faultsInjected;
    }

    void clearCalls() {
        calls.clear();
    }

    /** Every attempt since the last {@link #clearCalls()}, in arrival order. */
    List<Call> calls() {
        return List.copyOf(calls);
    }

    /**
     * The distinct calls (retries folded) since the last {@link #clearCalls()}, each named by its label
     * and occurrence: {@code label#n}.
     */
    List<String> operations() {
        Map<String, List<String>> byLabel = new LinkedHashMap<>();
        List<String> result = new ArrayList<>();
        for (Call call : calls) {
            List<String> ids = byLabel.computeIfAbsent(call.label(), k -> new ArrayList<>());
            if (!ids.contains(call.invocationId())) {
                ids.add(call.invocationId());
                result.add(call.label() + "#" + ids.size());
            }
        }
        return result;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            Request request = Request.read(client.getInputStream());
            Call call = identify(request);
            calls.add(call);
            Fault fault = faultFor(call);
            if (fault == null) {
                forward(request, call, client.getOutputStream());
                return;
            }
            synchronized (this) {
                faultsInjected++;
            }
            switch (fault) {
                case INTERNAL_ERROR -> respond(client.getOutputStream(), internalError(call));
                case THROTTLING -> respond(client.getOutputStream(), throttling(call));
                case DROP -> client.setSoLinger(true, 0); // a reset, no answer
                case HANG -> {
                    // No answer; wait for the client to give up (its attempt timeout closes the socket).
                    client.setSoTimeout(60_000);
                    try {
                        while (client.getInputStream().read() >= 0) {
                            // drain until the client closes
                        }
                    } catch (SocketTimeoutException | java.net.SocketException gaveUp) {
                        // closed or never closed: either way, no answer
                    }
                }
            }
        } catch (IOException e) {
            // a client that went away: nothing to answer
        } finally {
            open.remove(client);
        }
    }

    private synchronized Fault faultFor(Call call) {
        Armed a = armed;
        if (a == null || !a.label().equals(call.label())) {
            return null;
        }
        if (faulted.contains(call.invocationId())) {
            return a.fault();
        }
        List<String> ids = seen.computeIfAbsent(call.label(), k -> new ArrayList<>());
        if (!ids.contains(call.invocationId())) {
            ids.add(call.invocationId());
            if (ids.size() == a.nth()) {
                faulted.add(call.invocationId());
                return a.fault();
            }
        }
        return null;
    }

    private static Call identify(Request request) {
        String invocation = request.header("amz-sdk-invocation-id");
        if (invocation == null) {
            invocation = "unknown-" + System.nanoTime();
        }
        int attempt = attempt(request.header("amz-sdk-request"));
        String target = request.header("x-amz-target");
        if (target != null) {
            String prefix = target.substring(0, target.indexOf('.'));
            String operation = target.substring(target.indexOf('.') + 1);
            if (prefix.startsWith("DynamoDB")) {
                return new Call("dynamodb", operation, families(request.bodyText()), invocation, attempt);
            }
            return new Call(prefix.equals("TrentService") ? "kms" : prefix, operation, "", invocation, attempt);
        }
        String service = "unknown";
        Matcher scope = SCOPE.matcher(String.valueOf(request.header("authorization")));
        if (scope.find()) {
            service = scope.group(1);
        }
        String action = "Unknown";
        for (String pair : request.bodyText().split("&")) {
            if (pair.startsWith("Action=")) {
                action = URLDecoder.decode(pair.substring("Action=".length()), StandardCharsets.UTF_8);
            }
        }
        return new Call(service, action, "", invocation, attempt);
    }

    private static int attempt(String header) {
        if (header != null) {
            Matcher m = Pattern.compile("attempt=(\\d+)").matcher(header);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return 1;
    }

    /** The item families a DynamoDB request's keys name (sorted, joined by '+'). */
    private static String families(String body) {
        Set<String> families = new TreeSet<>();
        Matcher m = PK.matcher(body);
        while (m.find()) {
            families.add(m.group(1));
        }
        return String.join("+", families);
    }

    // ---- the faults' wire shapes ----

    private record Answer(int status, String contentType, String body) {}

    private static Answer internalError(Call call) {
        return switch (call.service()) {
            case "dynamodb" ->
                json10(500, "com.amazonaws.dynamodb.v20120810#InternalServerError", "injected internal error");
            case "kms" -> json11(500, "KMSInternalException", "injected internal error");
            case "sns" -> query(500, "Receiver", "InternalError", call.service());
            default -> query(500, "Receiver", "InternalFailure", call.service());
        };
    }

    /** The error each service throttles with, in its protocol's shape, so the SDK classifies it as throttling. */
    private static Answer throttling(Call call) {
        return switch (call.service()) {
            // DynamoDB: ProvisionedThroughputExceeded on an item's partition, ThrottlingException on a
            // transaction (both in the SDK's list of throttling codes).
            case "dynamodb" ->
                call.operation().startsWith("Transact")
                        ? json10(400, "com.amazonaws.dynamodb.v20120810#ThrottlingException", "Rate exceeded")
                        : json10(
                                400,
                                "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                                "The level of configured provisioned throughput for the table was exceeded.");
            case "kms" -> json11(400, "ThrottlingException", "Rate exceeded");
            default -> query(400, "Sender", "Throttling", call.service());
        };
    }

    private static Answer json10(int status, String type, String message) {
        return new Answer(
                status, "application/x-amz-json-1.0", "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
    }

    private static Answer json11(int status, String type, String message) {
        return new Answer(
                status, "application/x-amz-json-1.1", "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
    }

    private static Answer query(int status, String type, String code, String service) {
        String namespace = service.equals("sns")
                ? "http://sns.amazonaws.com/doc/2010-03-31/"
                : "http://ses.amazonaws.com/doc/2010-12-01/";
        return new Answer(
                status,
                "text/xml",
                "<ErrorResponse xmlns=\"" + namespace + "\"><Error><Type>" + type + "</Type><Code>" + code
                        + "</Code><Message>injected</Message></Error><RequestId>fault-proxy</RequestId>"
                        + "</ErrorResponse>");
    }

    private static void respond(OutputStream out, Answer answer) throws IOException {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        String head =
                "HTTP/1.1 " + answer.status() + " " + (answer.status() == 500 ? "Internal Server Error" : "Bad Request")
                        + "\r\nContent-Type: " + answer.contentType()
                        + "\r\nContent-Length: " + body.length
                        + "\r\nx-amzn-RequestId: fault-proxy\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    // ---- forwarding ----

    private void forward(Request request, Call call, OutputStream out) throws IOException {
        URI upstream = call.service().equals("dynamodb") ? dynamoUpstream : awsUpstream;
        try (Socket socket = new Socket(upstream.getHost(), upstream.getPort())) {
            socket.setSoTimeout(60_000);
            OutputStream up = socket.getOutputStream();
            StringBuilder head = new StringBuilder(request.requestLine()).append("\r\n");
            for (Map.Entry<String, String> h : request.headers()) {
                String name = h.getKey().toLowerCase(Locale.ROOT);
                if (!name.equals("connection")
                        && !name.equals("content-length")
                        && !name.equals("transfer-encoding")
                        && !name.equals("expect")) {
                    head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
                }
            }
            head.append("Content-Length: ").append(request.body().length).append("\r\nConnection: close\r\n\r\n");
            up.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            up.write(request.body());
            up.flush();

            Response response = Response.read(socket.getInputStream());
            StringBuilder back = new StringBuilder(response.statusLine()).append("\r\n");
            for (Map.Entry<String, String> h : response.headers()) {
                String name = h.getKey().toLowerCase(Locale.ROOT);
                if (!name.equals("connection")
                        && !name.equals("content-length")
                        && !name.equals("transfer-encoding")
                        && !name.equals("keep-alive")) {
                    back.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
                }
            }
            back.append("Content-Length: ").append(response.body().length).append("\r\nConnection: close\r\n\r\n");
            out.write(back.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(response.body());
            out.flush();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    // ---- HTTP/1.1 messages, as much as the SDK and the emulators use ----

    private record Request(String requestLine, List<Map.Entry<String, String>> headers, byte[] body) {
        static Request read(InputStream in) throws IOException {
            List<String> head = Message.head(in);
            List<Map.Entry<String, String>> headers = Message.headers(head);
            return new Request(head.getFirst(), headers, Message.body(in, headers, true));
        }

        String header(String name) {
            return Message.header(headers, name);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private record Response(String statusLine, List<Map.Entry<String, String>> headers, byte[] body) {
        static Response read(InputStream in) throws IOException {
            List<String> head = Message.head(in);
            while (head.getFirst().matches("HTTP/1\\.\\d 1\\d\\d.*")) {
                head = Message.head(in); // 100 Continue
            }
            List<Map.Entry<String, String>> headers = Message.headers(head);
            return new Response(head.getFirst(), headers, Message.body(in, headers, false));
        }
    }

    private static final class Message {
        static List<String> head(InputStream in) throws IOException {
            List<String> lines = new ArrayList<>();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("connection closed in the message head");
                }
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
                    line.reset();
                    if (text.isEmpty()) {
                        if (lines.isEmpty()) {
                            continue;
                        }
                        return lines;
                    }
                    lines.add(text);
                } else {
                    line.write(b);
                }
            }
        }

        static List<Map.Entry<String, String>> headers(List<String> head) {
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            for (String line : head.subList(1, head.size())) {
                int colon = line.indexOf(':');
                headers.add(Map.entry(
                        line.substring(0, colon).strip(),
                        line.substring(colon + 1).strip()));
            }
            return headers;
        }

        static String header(List<Map.Entry<String, String>> headers, String name) {
            return headers.stream()
                    .filter(h -> h.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse(null);
        }

        static byte[] body(InputStream in, List<Map.Entry<String, String>> headers, boolean request)
                throws IOException {
            String length = header(headers, "content-length");
            if (length != null) {
                return in.readNBytes(Integer.parseInt(length));
            }
            if ("chunked".equalsIgnoreCase(header(headers, "transfer-encoding"))) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                while (true) {
                    String size = new String(lineBytes(in), StandardCharsets.ISO_8859_1).strip();
                    int n = Integer.parseInt(size.split(";")[0], 16);
                    if (n == 0) {
                        while (lineBytes(in).length > 0) {
                            // trailers
                        }
                        return body.toByteArray();
                    }
                    body.write(in.readNBytes(n));
                    lineBytes(in);
                }
            }
            return request ? new byte[0] : in.readAllBytes();
        }

        private static byte[] lineBytes(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toByteArray();
        }
    }
}
