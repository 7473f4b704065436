package dev.twofa.localrun;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.twofa.http.Json;
import dev.twofa.localrun.adapters.Outbox;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The local API Gateway: matches a request to a template route, plays the JWT authorizer (and, for
 * the AWS_IAM operator routes, a dev-only stand-in for it), builds the payload 2.0 event, invokes
 * the function and writes its response back. Also serves the dev-only endpoints {@code POST
 * /dev/token} and {@code GET /dev/outbox}, and, for a GET or HEAD that no route takes, the reference
 * web client's static files.
 */
final class LocalApi implements HttpHandler {
    private static final Logger LOG = Logger.getLogger(LocalApi.class.getName());
    /**
     * API Gateway's HTTP API payload limit, 10 MB: a larger body gets its 413 {@code {"message":"Request
     * Entity Too Large"}} and no function runs. Smaller ones reach the function, which refuses
     * anything over its own 4096 bytes with a problem (ApiRequest.MAX_BODY_BYTES).
     */
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;

    private static final Pattern BEARER = Pattern.compile("(?i)^bearer\\s+(\\S+)\\s*$");

    private static final Pattern CALLER_ARN =
            Pattern.compile("arn:aws[a-z-]*:(iam|sts)::([0-9]{12}):[\\x21-\\x7e]{1,1900}");

    /** A route and the function serving it. */
    record Endpoint(TemplateRoutes.Route route, LocalFunction function) {}

    private final List<Endpoint> endpoints;
    private final LocalJwt jwt;
    private final Outbox outbox;
    private final Clock clock;
    private final Optional<StaticSite> site;

    LocalApi(List<Endpoint> endpoints, LocalJwt jwt, Outbox outbox, Clock clock, Optional<StaticSite> site) {
        this.endpoints = List.copyOf(endpoints);
        this.jwt = jwt;
        this.outbox = outbox;
        this.clock = clock;
        this.site = site;
    }

    @Override
    public void handle(HttpExchange exchange) {
        long started = System.nanoTime();
        int status = 500;
        try {
            status = serve(exchange);
        } catch (IOException | RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "failed to serve " + exchange.getRequestMethod() + " " + exchange.getRequestURI(),
                    e);
            if (exchange.getResponseCode() == -1) {
                try {
                    send(exchange, 500, "application/json", message("Internal Server Error"), Map.of());
                } catch (IOException | RuntimeException clientGone) {
                    // nothing left to answer
                }
            }
        } finally {
            exchange.close();
            System.out.printf(
                    "%s %s -> %d (%d ms)%n",
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    status,
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    private int serve(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = exchange.getRequestURI().getRawPath();
        byte[] body = readBody(exchange.getRequestBody());
        if (body == null) {
            return send(exchange, 413, "application/json", message("Request Entity Too Large"), Map.of());
        }
        boolean devToken = path.equals("/dev/token") && method.equals("POST");
        boolean devOutbox = path.equals("/dev/outbox") && method.equals("GET");
        if ((devToken || devOutbox) && !loopbackHost(exchange)) {
            // DNS rebinding: a web page whose name resolves to 127.0.0.1 must not mint tokens here
            // or read the outbox through a visitor's browser.
            return send(exchange, 403, "application/json", message("Forbidden"), Map.of());
        }
        if (devToken) {
            return devToken(exchange, body);
        }
        if (devOutbox) {
            return devOutbox(exchange);
        }
        for (Endpoint endpoint : endpoints) {
            Optional<Map<String, String>> parameters = endpoint.route().match(method, path);
            if (parameters.isPresent()) {
                return invoke(exchange, endpoint, parameters.get(), body);
            }
        }
        // API routes and dev endpoints first: a file never shadows them.
        boolean head = method.equals("HEAD");
        if (site.isPresent() && (head || method.equals("GET"))) {
            Optional<StaticSite.Asset> asset = site.get().find(path);
            if (asset.isPresent()) {
                return StaticSite.send(exchange, asset.get(), head);
            }
        }
        return send(exchange, 404, "application/json", message("Not Found"), Map.of());
    }

    private int invoke(HttpExchange exchange, Endpoint endpoint, Map<String, String> parameters, byte[] body)
            throws IOException {
        HttpApiEvents.Authorization authorization = null;
        switch (endpoint.route().auth()) {
            case JWT -> {
                Optional<Map<String, Object>> claims = bearerToken(exchange).flatMap(jwt::verify);
                if (claims.isEmpty()) {
                    // As API Gateway's JWT authorizer: the function is not called at all.
                    return send(
                            exchange,
                            401,
                            "application/json",
                            message("Unauthorized"),
                            Map.of("WWW-Authenticate", "Bearer"));
                }
                authorization = authorization(claims.get());
            }
            case IAM -> {
                Optional<String> caller = devCallerArn(exchange);
                if (caller.isEmpty()) {
                    // As API Gateway's IAM authorizer for a request without a valid signature (a
                    // user's bearer token included): 403, and the function is not called.
                    return send(exchange, 403, "application/json", message("Forbidden"), Map.of());
                }
                authorization = new HttpApiEvents.Authorization.Iam(caller.get());
            }
            case NONE -> {}
        }
        String requestId = UUID.randomUUID().toString();
        Instant now = clock.instant();
        APIGatewayV2HTTPEvent event =
                HttpApiEvents.of(exchange, endpoint.route(), parameters, body, authorization, requestId, now);
        APIGatewayV2HTTPResponse response;
        try {
            response = endpoint.function()
                    .invoke(
                            event,
                            new LocalContext(requestId, endpoint.function().name(), now.toEpochMilli()));
        } catch (RuntimeException | Error e) {
            // What API Gateway answers when the integration fails; details stay in this console.
            LOG.log(Level.SEVERE, endpoint.function().name() + " failed", e);
            return send(exchange, 500, "application/json", message("Internal Server Error"), Map.of());
        }
        return write(exchange, response, requestId);
    }

    private static boolean loopbackHost(HttpExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (host == null) {
            return true;
        }
        String name = host.strip().toLowerCase(Locale.ROOT).replaceFirst(":[0-9]+$", "");
        return name.equals("127.0.0.1") || name.equals("localhost") || name.equals("[::1]");
    }

    /**
     * The dev-only caller ARN of an operator request, when it looks like an IAM user or assumed-role
     * ARN and the request names this machine (the DNS-rebinding guard of the dev endpoints). A page
     * of another origin cannot send it either: a custom header needs a CORS preflight, which this
     * run never approves.
     */
    private static Optional<String> devCallerArn(HttpExchange exchange) {
        String value = exchange.getRequestHeaders().getFirst(LocalRun.DEV_CALLER_ARN_HEADER);
        if (value == null || !loopbackHost(exchange)) {
            return Optional.empty();
        }
        String arn = value.strip();
        return CALLER_ARN.matcher(arn).matches() ? Optional.of(arn) : Optional.empty();
    }

    private static Optional<String> bearerToken(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null) {
            return Optional.empty();
        }
        var matcher = BEARER.matcher(header);
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** API Gateway hands claims over as strings: numbers as text, arrays as "[a b]". */
    private static HttpApiEvents.Authorization authorization(Map<String, Object> claims) {
        Map<String, String> flat = new LinkedHashMap<>();
        claims.forEach((name, value) -> {
            switch (value) {
                case null -> {}
                case String s -> flat.put(name, s);
                case Number n -> flat.put(name, n.toString());
                case Boolean b -> flat.put(name, b.toString());
                case List<?> list ->
                    flat.put(
                            name,
                            "["
                                    + String.join(
                                            " ",
                                            list.stream().map(String::valueOf).toList()) + "]");
                default -> flat.put(name, Json.write(value));
            }
        });
        Object scope = claims.containsKey("scope") ? claims.get("scope") : claims.get("scp");
        List<String> scopes =
                scope instanceof String s && !s.isBlank() ? List.of(s.strip().split("\\s+")) : null;
        return new HttpApiEvents.Authorization.Jwt(flat, scopes);
    }

    private static int write(HttpExchange exchange, APIGatewayV2HTTPResponse response, String requestId)
            throws IOException {
        var headers = exchange.getResponseHeaders();
        if (response.getHeaders() != null) {
            response.getHeaders().forEach(headers::set);
        }
        if (response.getMultiValueHeaders() != null) {
            response.getMultiValueHeaders().forEach((name, values) -> values.forEach(v -> headers.add(name, v)));
        }
        if (response.getCookies() != null) {
            response.getCookies().forEach(cookie -> headers.add("Set-Cookie", cookie));
        }
        headers.set("Apigw-Requestid", requestId);
        String text = response.getBody();
        byte[] bytes = text == null
                ? new byte[0]
                : response.getIsBase64Encoded()
                        ? Base64.getDecoder().decode(text)
                        : text.getBytes(StandardCharsets.UTF_8);
        int status = response.getStatusCode() == 0 ? 200 : response.getStatusCode();
        return sendBytes(exchange, status, bytes);
    }

    private int devToken(HttpExchange exchange, byte[] body) throws IOException {
        Map<String, Object> json;
        try {
            json = Json.readObject(new String(body, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return invalid(exchange, "body", "The request body must be a JSON object like {\"sub\":\"user-1\"}.");
        }
        String token;
        try {
            DevTokenRequest request = DevTokenRequest.parse(json);
            token = jwt.issueWithClaims(request.sub(), request.claims());
        } catch (DevTokenRequest.InvalidField e) {
            return invalid(exchange, e.field(), e.getMessage());
        } catch (IllegalArgumentException tooLong) {
            return invalid(
                    exchange,
                    "body",
                    "These claims make a token longer than " + LocalJwt.MAX_TOKEN_CHARS + " characters.");
        }
        return send(exchange, 200, "application/json", Json.write(Map.of("token", token)), Map.of());
    }

    private int devOutbox(HttpExchange exchange) throws IOException {
        List<Map<String, Object>> messages = new ArrayList<>();
        for (Outbox.Message m : outbox.newestFirst()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("channel", m.channel());
            json.put("to", m.to());
            json.put("subject", m.subject());
            json.put("body", m.body());
            json.put("sentAt", m.sentAt().toString());
            messages.add(json);
        }
        return send(exchange, 200, "application/json", Json.write(messages), Map.of());
    }

    private static int invalid(HttpExchange exchange, String field, String detail) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "urn:twofa:problem:invalid-request");
        problem.put("title", "Invalid request");
        problem.put("status", 400);
        problem.put("detail", detail);
        problem.put("field", field);
        return send(exchange, 400, "application/problem+json", Json.write(problem), Map.of());
    }

    private static String message(String text) {
        return Json.write(Map.of("message", text));
    }

    private static int send(
            HttpExchange exchange, int status, String contentType, String body, Map<String, String> extraHeaders)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        extraHeaders.forEach(exchange.getResponseHeaders()::set);
        return sendBytes(exchange, status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static int sendBytes(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        boolean noBody = bytes.length == 0 || status == 204 || status == 304;
        exchange.sendResponseHeaders(status, noBody ? -1 : bytes.length);
        if (!noBody) {
            exchange.getResponseBody().write(bytes);
        }
        return status;
    }

    /** The body, or null when it is larger than {@link #MAX_BODY_BYTES}. */
    private static byte[] readBody(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        return bytes.length > MAX_BODY_BYTES ? null : bytes;
    }
}
