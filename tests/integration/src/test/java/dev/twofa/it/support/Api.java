package dev.twofa.it.support;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** HTTP API payload 2.0 events as API Gateway builds them after its JWT or IAM authorizer. */
public final class Api {
    private Api() {}

    public static APIGatewayV2HTTPEvent request(String routeKey, String sub, String body) {
        return request(routeKey, sub, body, Map.of());
    }

    /** With more verified claims, e.g. the organisation claim {@code org_id}. */
    public static APIGatewayV2HTTPEvent request(
            String routeKey, String sub, String body, Map<String, String> extraClaims) {
        Map<String, String> claims = new HashMap<>();
        if (sub != null) {
            claims.put("sub", sub);
            claims.put("email", emailOf(sub));
            // Identity providers say whether they verified the address; a claim may override it.
            claims.put("email_verified", "true");
            claims.put("iss", "https://issuer.twofa.test");
        }
        claims.putAll(extraClaims);
        return event(
                routeKey,
                body,
                "198.51.100.7",
                "integration-test",
                APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                        .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT
                                .builder()
                                .withClaims(claims)
                                .build())
                        .build());
    }

    /**
     * An operator route's event as API Gateway's AWS_IAM authorizer hands it over after checking
     * the SigV4 signature: the caller in {@code authorizer.iam}, no JWT.
     */
    public static APIGatewayV2HTTPEvent operatorRequest(String routeKey, String callerArn, String body) {
        return event(
                routeKey,
                body,
                "203.0.113.10",
                "awscurl/0.36",
                APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                        .withIam(APIGatewayV2HTTPEvent.RequestContext.IAM
                                .builder()
                                .withUserArn(callerArn)
                                .withAccountId("123456789012")
                                .build())
                        .build());
    }

    /** A payload 2.0 event for {@code routeKey} ("METHOD /path?query") with what the authorizer verified. */
    private static APIGatewayV2HTTPEvent event(
            String routeKey,
            String body,
            String sourceIp,
            String userAgent,
            APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer) {
        String[] route = routeKey.split(" ", 2);
        String path = route[1].replaceAll("\\?.*", "");
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(routeKey)
                .withRawPath(path)
                .withRawQueryString(route[1].contains("?") ? route[1].replaceAll("^[^?]*\\?", "") : "")
                .withQueryStringParameters(query(route[1]))
                .withHeaders(Map.of("content-type", "application/json"))
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRouteKey(routeKey)
                        .withRequestId(UUID.randomUUID().toString())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(route[0])
                                .withPath(path)
                                .withSourceIp(sourceIp)
                                .withUserAgent(userAgent)
                                .build())
                        .withAuthorizer(authorizer)
                        .build())
                .build();
    }

    /** An assumed-role session of the support role, as STS names it in the caller's ARN. */
    public static String supportSession(String who) {
        return "arn:aws:sts::123456789012:assumed-role/twofa-it-SupportRole-EXAMPLE/" + who;
    }

    private static Map<String, String> query(String pathAndQuery) {
        Map<String, String> params = new HashMap<>();
        int q = pathAndQuery.indexOf('?');
        if (q >= 0) {
            for (String pair : pathAndQuery.substring(q + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                params.put(
                        kv[0],
                        kv.length > 1
                                ? java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8)
                                : "");
            }
        }
        return params.isEmpty() ? null : params;
    }

    public static String emailOf(String sub) {
        return sub + "@users.twofa.test";
    }

    public static String json(Object value) {
        try {
            return JSON.std.asString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Map<String, Object> body(APIGatewayV2HTTPResponse response) {
        try {
            return JSON.std.mapFrom(response.getBody());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String problemType(APIGatewayV2HTTPResponse response) {
        return (String) body(response).get("type");
    }
}
