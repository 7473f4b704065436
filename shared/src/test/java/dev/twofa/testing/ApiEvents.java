package dev.twofa.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * HTTP API (payload format 2.0) events as API Gateway hands them to a function after its JWT or IAM
 * authorizer: the one builder of the tests, in process ({@link Builder#build()}) and for a deployed
 * function ({@link Builder#json()}). In shared's test jar, which needs only the event classes and
 * jackson-jr; never on a function's class path.
 *
 * <pre>{@code
 * ApiEvents.route("POST /2fa/verify").user("user-1", "ann@example.com").body("{\"code\":\"123456\"}").build()
 * }</pre>
 */
public final class ApiEvents {
    /** The API's id in a deployed stage's events. */
    public static final String API_ID = "a1b2c3d4e5";

    private ApiEvents() {}

    /**
     * An event for {@code routeKey}: "METHOD /path", a query string allowed after the path (null: no
     * route at all, which API Gateway never sends).
     */
    public static Builder route(String routeKey) {
        return new Builder(routeKey);
    }

    public static final class Builder {
        private final String routeKey;
        private final String method;
        private final String path;
        private final String rawQuery;
        private Map<String, String> query;
        private String body;
        private boolean base64Encoded;
        private Map<String, String> claims;
        private String callerArn;
        private String callerAccount;
        private boolean iam;
        private String sourceIp;
        private String userAgent;
        private String requestId = UUID.randomUUID().toString();
        private String stage;
        private String accountId;

        private Builder(String routeKey) {
            String[] route = routeKey == null ? new String[] {null, ""} : routeKey.split(" ", 2);
            this.routeKey = routeKey;
            this.method = route[0];
            int q = route[1].indexOf('?');
            this.path = routeKey == null ? null : q < 0 ? route[1] : route[1].substring(0, q);
            this.rawQuery = q < 0 ? "" : route[1].substring(q + 1);
            this.query = parse(rawQuery);
        }

        public Builder body(String body) {
            this.body = body;
            return this;
        }

        /** A body API Gateway base64-encoded (a binary content type). */
        public Builder base64Body(String encoded) {
            this.body = encoded;
            this.base64Encoded = true;
            return this;
        }

        /** In place of the query string's parameters (null: none at all). */
        public Builder query(Map<String, String> parameters) {
            this.query = parameters;
            return this;
        }

        /** The claims the JWT authorizer verified, exactly these (none: an empty map). */
        public Builder claims(Map<String, String> claims) {
            this.claims = claims;
            return this;
        }

        /** A signed-in user's claims: {@code sub}, and with an address {@code email} and {@code email_verified}. */
        public Builder user(String sub, String email) {
            Map<String, String> verified = new LinkedHashMap<>();
            verified.put("sub", sub);
            if (email != null) {
                verified.put("email", email);
                verified.put("email_verified", "true");
            }
            return claims(verified);
        }

        /** The caller the AWS_IAM authorizer verified from the SigV4 signature: no JWT. */
        public Builder caller(String userArn) {
            return caller(userArn, null);
        }

        public Builder caller(String userArn, String accountId) {
            this.iam = true;
            this.callerArn = userArn;
            this.callerAccount = accountId;
            return this;
        }

        /** Where the request came from, as API Gateway saw it (also the user-agent header). */
        public Builder client(String sourceIp, String userAgent) {
            this.sourceIp = sourceIp;
            this.userAgent = userAgent;
            return this;
        }

        /** API Gateway's request id (a random one unless set; null: none). */
        public Builder requestId(String requestId) {
            this.requestId = requestId;
            return this;
        }

        /** As a deployed stage sends it: the stage before the path, the API, the account, the time. */
        public Builder stage(String stage, String accountId) {
            this.stage = stage;
            this.accountId = accountId;
            return this;
        }

        public APIGatewayV2HTTPEvent build() {
            var authorizer = RequestContext.Authorizer.builder();
            if (iam) {
                authorizer.withIam(RequestContext.IAM
                        .builder()
                        .withUserArn(callerArn)
                        .withAccountId(callerAccount)
                        .build());
            } else if (claims != null) {
                authorizer.withJwt(RequestContext.Authorizer.JWT
                        .builder()
                        .withClaims(claims)
                        .build());
            }
            var http = RequestContext.Http.builder()
                    .withMethod(method)
                    .withPath(stagePath())
                    .withSourceIp(sourceIp)
                    .withUserAgent(userAgent);
            var context = RequestContext.builder()
                    .withRouteKey(routeKey)
                    .withRequestId(requestId)
                    .withAuthorizer(iam || claims != null ? authorizer.build() : null);
            if (stage != null) {
                http.withProtocol("HTTP/1.1");
                context.withStage(stage)
                        .withApiId(API_ID)
                        .withAccountId(accountId)
                        .withTimeEpoch(System.currentTimeMillis());
            }
            return APIGatewayV2HTTPEvent.builder()
                    .withVersion("2.0")
                    .withRouteKey(routeKey)
                    .withRawPath(stagePath())
                    .withRawQueryString(rawQuery)
                    .withQueryStringParameters(query)
                    .withHeaders(headers())
                    .withBody(body)
                    .withIsBase64Encoded(base64Encoded)
                    .withRequestContext(context.withHttp(http.build()).build())
                    .build();
        }

        /** The same event as the JSON API Gateway sends a function (what the Lambda runtime reads). */
        public String json() {
            APIGatewayV2HTTPEvent event = build();
            RequestContext context = event.getRequestContext();
            Map<String, Object> http = new LinkedHashMap<>();
            put(http, "method", context.getHttp().getMethod());
            put(http, "path", context.getHttp().getPath());
            put(http, "protocol", context.getHttp().getProtocol());
            put(http, "sourceIp", context.getHttp().getSourceIp());
            put(http, "userAgent", context.getHttp().getUserAgent());
            Map<String, Object> authorizer = new LinkedHashMap<>();
            if (iam) {
                Map<String, Object> caller = new LinkedHashMap<>();
                put(caller, "userArn", callerArn);
                put(caller, "accountId", callerAccount);
                authorizer.put("iam", caller);
            } else if (claims != null) {
                authorizer.put("jwt", Map.of("claims", claims));
            }
            Map<String, Object> json = new LinkedHashMap<>();
            put(json, "accountId", context.getAccountId());
            put(json, "apiId", context.getApiId());
            put(json, "authorizer", authorizer.isEmpty() ? null : authorizer);
            json.put("http", http);
            put(json, "requestId", context.getRequestId());
            json.put("routeKey", routeKey);
            put(json, "stage", context.getStage());
            if (stage != null) {
                json.put("timeEpoch", context.getTimeEpoch());
            }
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("version", "2.0");
            payload.put("routeKey", routeKey);
            payload.put("rawPath", event.getRawPath());
            payload.put("rawQueryString", rawQuery);
            put(payload, "queryStringParameters", query);
            payload.put("headers", event.getHeaders());
            payload.put("requestContext", json);
            put(payload, "body", body);
            payload.put("isBase64Encoded", base64Encoded);
            try {
                return JSON.std.asString(payload);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private String stagePath() {
            return stage == null || path == null ? path : "/" + stage + path;
        }

        private Map<String, String> headers() {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("content-type", "application/json");
            if (userAgent != null) {
                headers.put("user-agent", userAgent);
            }
            return headers;
        }

        private static void put(Map<String, Object> map, String key, Object value) {
            if (value != null) {
                map.put(key, value);
            }
        }

        private static Map<String, String> parse(String rawQuery) {
            if (rawQuery.isEmpty()) {
                return null;
            }
            Map<String, String> params = new HashMap<>();
            for (String pair : rawQuery.split("&")) {
                String[] kv = pair.split("=", 2);
                params.put(kv[0], kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
            return params;
        }
    }
}
