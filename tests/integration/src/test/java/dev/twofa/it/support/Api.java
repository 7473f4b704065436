package dev.twofa.it.support;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.testing.ApiEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/** The integration tests' users and operators: their events (ApiEvents) and the answers' bodies. */
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
        return ApiEvents.route(routeKey)
                .claims(claims)
                .client("198.51.100.7", "integration-test")
                .body(body)
                .build();
    }

    /**
     * An operator route's event as API Gateway's AWS_IAM authorizer hands it over after checking
     * the SigV4 signature: the caller in {@code authorizer.iam}, no JWT.
     */
    public static APIGatewayV2HTTPEvent operatorRequest(String routeKey, String callerArn, String body) {
        return ApiEvents.route(routeKey)
                .caller(callerArn, "123456789012")
                .client("203.0.113.10", "awscurl/0.36")
                .body(body)
                .build();
    }

    /** An assumed-role session of the support role, as STS names it in the caller's ARN. */
    public static String supportSession(String who) {
        return "arn:aws:sts::123456789012:assumed-role/twofa-it-SupportRole-EXAMPLE/" + who;
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
