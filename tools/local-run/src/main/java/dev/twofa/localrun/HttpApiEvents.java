package dev.twofa.localrun;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext;
import com.sun.net.httpserver.HttpExchange;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the event API Gateway HTTP API (payload format 2.0) hands a Lambda integration: lower-case
 * headers with repeats joined by commas, the {@code Cookie} header moved to {@code cookies},
 * decoded query parameters, the body as text or base64, and the request context, including what
 * the authorizer verified: the JWT's claims, or the IAM caller.
 */
final class HttpApiEvents {
    static final String ACCOUNT_ID = "000000000000";
    static final String API_ID = "local";

    private static final DateTimeFormatter REQUEST_TIME = DateTimeFormatter.ofPattern(
                    "dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private HttpApiEvents() {}

    /** What the authorizer verified. */
    sealed interface Authorization {
        /** The JWT authorizer: claims flattened to strings as API Gateway does, and scopes. */
        record Jwt(Map<String, String> claims, List<String> scopes) implements Authorization {}

        /** The IAM authorizer: the caller's ARN (its account is the ARN's fifth field). */
        record Iam(String userArn) implements Authorization {}
    }

    static APIGatewayV2HTTPEvent of(
            HttpExchange exchange,
            TemplateRoutes.Route route,
            Map<String, String> pathParameters,
            byte[] body,
            Authorization authorization,
            String requestId,
            Instant now) {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        exchange.getRequestHeaders().forEach((name, values) -> {
            String key = name.toLowerCase(Locale.ROOT);
            if (key.equals("cookie")) {
                for (String value : values) {
                    for (String cookie : value.split(";")) {
                        if (!cookie.isBlank()) {
                            cookies.add(cookie.strip());
                        }
                    }
                }
            } else {
                headers.merge(key, String.join(",", values), (a, b) -> a + "," + b);
            }
        });
        // Headers API Gateway adds for the integration.
        String sourceIp = exchange.getRemoteAddress().getAddress().getHostAddress();
        headers.putIfAbsent("x-forwarded-for", sourceIp);
        headers.putIfAbsent("x-forwarded-proto", "http");
        headers.putIfAbsent(
                "x-forwarded-port", Integer.toString(exchange.getLocalAddress().getPort()));
        String rawPath = exchange.getRequestURI().getRawPath();
        String rawQuery = exchange.getRequestURI().getRawQuery();
        String host = headers.getOrDefault("host", "127.0.0.1");
        boolean textual = isTextual(headers.get("content-type"));

        var http = RequestContext.Http.builder()
                .withMethod(exchange.getRequestMethod())
                .withPath(rawPath)
                .withProtocol(exchange.getProtocol())
                .withSourceIp(sourceIp)
                .withUserAgent(headers.getOrDefault("user-agent", ""))
                .build();
        var context = RequestContext.builder()
                .withAccountId(ACCOUNT_ID)
                .withApiId(API_ID)
                .withDomainName(host)
                .withDomainPrefix(host.split("[.:]", 2)[0])
                .withRequestId(requestId)
                .withRouteKey(route.routeKey())
                .withStage("$default")
                .withTime(REQUEST_TIME.format(now))
                .withTimeEpoch(now.toEpochMilli())
                .withHttp(http);
        switch (authorization) {
            case Authorization.Jwt jwt ->
                context.withAuthorizer(RequestContext.Authorizer.builder()
                        .withJwt(RequestContext.Authorizer.JWT
                                .builder()
                                .withClaims(jwt.claims())
                                .withScopes(jwt.scopes())
                                .build())
                        .build());
            case Authorization.Iam iam ->
                context.withAuthorizer(RequestContext.Authorizer.builder()
                        .withIam(RequestContext.IAM
                                .builder()
                                .withUserArn(iam.userArn())
                                .withAccountId(iam.userArn().split(":", 6)[4])
                                .build())
                        .build());
            case null -> {}
        }
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(route.routeKey())
                .withRawPath(rawPath)
                .withRawQueryString(rawQuery == null ? "" : rawQuery)
                .withCookies(cookies.isEmpty() ? null : cookies)
                .withHeaders(headers)
                .withQueryStringParameters(queryParameters(rawQuery))
                .withPathParameters(pathParameters.isEmpty() ? null : pathParameters)
                .withBody(
                        body.length == 0
                                ? null
                                : textual
                                        ? new String(body, StandardCharsets.UTF_8)
                                        : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(body.length > 0 && !textual)
                .withRequestContext(context.build())
                .build();
    }

    /** API Gateway passes these as text and base64-encodes every other body, or one without a type. */
    static boolean isTextual(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.startsWith("text/")
                || type.equals("application/json")
                || type.endsWith("+json")
                || type.equals("application/xml")
                || type.endsWith("+xml")
                || type.equals("application/javascript")
                || type.equals("application/x-www-form-urlencoded");
    }

    private static Map<String, String> queryParameters(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            parameters.merge(name, value, (a, b) -> a + "," + b);
        }
        return parameters;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return text;
        }
    }
}
