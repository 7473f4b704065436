package dev.twofa.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.http.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The claims asked of {@code POST /dev/token} reach the handler as API Gateway's JWT authorizer hands
 * them over: in the request context, every value a string. StatusFunction's handler is swapped for
 * one that answers with the claims it was given.
 */
class DevTokenClaimsServedTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final LocalRunFixture LOCAL = LocalRunFixture.withDefaults()
            .withFunctions((route, wiring) -> route.function().equals("StatusFunction")
                    ? new LocalFunction(
                            route.function(),
                            () -> (event, context) -> APIGatewayV2HTTPResponse.builder()
                                    .withStatusCode(200)
                                    .withBody(Json.write(event.getRequestContext()
                                            .getAuthorizer()
                                            .getJwt()
                                            .getClaims()))
                                    .build(),
                            1)
                    : LocalFunction.load(route, wiring));

    @Test
    void extraClaims_andEmailVerifiedByDefault_reachTheHandler_asStrings() throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("sub", "ann");
        request.put("email", "ann@example.com");
        request.put("org_id", "acme");
        request.put("groups", List.of("admins", "staff"));
        request.put("level", 3);
        request.put("beta", false);

        Map<String, Object> claims = claimsSeenByHandler(request);

        assertThat(claims)
                .containsEntry("sub", "ann")
                .containsEntry("email", "ann@example.com")
                .containsEntry("email_verified", "true")
                .containsEntry("org_id", "acme")
                .containsEntry("groups", "[admins staff]")
                .containsEntry("level", "3")
                .containsEntry("beta", "false")
                .containsEntry("iss", LOCAL.baseUrl() + "/dev")
                .containsEntry("aud", LocalJwt.AUDIENCE);
        assertThat(claims.values()).allSatisfy(value -> assertThat(value).isInstanceOf(String.class));
    }

    @Test
    void emailVerifiedFalse_reachesTheHandlerAsFalse_andNoEmailMeansNoEmailVerified() throws Exception {
        assertThat(claimsSeenByHandler(Map.of("sub", "bob", "email", "bob@example.com", "email_verified", false)))
                .containsEntry("email_verified", "false");
        assertThat(claimsSeenByHandler(Map.of("sub", "carl"))).doesNotContainKeys("email", "email_verified");
    }

    @Test
    void claimsTheRunSets_objects_andOversizedTokens_areRefusedNamingTheField() throws Exception {
        assertRefused(Map.of("sub", "x", "exp", 4_102_444_800L), "exp");
        assertRefused(Map.of("sub", "x", "iss", "https://idp.example"), "iss");
        assertRefused(Map.of("sub", "x", "org", Map.of("id", "acme")), "org");
        assertRefused(Map.of("sub", "x", "email_verified", "yes"), "email_verified");
        Map<String, Object> huge = new LinkedHashMap<>();
        huge.put("sub", "x");
        for (int i = 0; i < DevTokenRequest.MAX_EXTRA_CLAIMS; i++) {
            huge.put(
                    "claim" + i,
                    Collections.nCopies(DevTokenRequest.MAX_LIST_ITEMS, "v".repeat(DevTokenRequest.MAX_VALUE_CHARS)));
        }
        assertRefused(huge, "body");
    }

    private static Map<String, Object> claimsSeenByHandler(Map<String, Object> devTokenRequest) throws Exception {
        HttpResponse<String> issued = HTTP.send(
                HttpRequest.newBuilder(URI.create(LOCAL.baseUrl() + "/dev/token"))
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.std.asString(devTokenRequest)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        String token = (String) JSON.std.mapFrom(issued.body()).get("token");
        HttpResponse<String> status = HTTP.send(
                HttpRequest.newBuilder(URI.create(LOCAL.baseUrl() + "/2fa/status"))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        return JSON.std.mapFrom(status.body());
    }

    private static void assertRefused(Map<String, Object> devTokenRequest, String field) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(LOCAL.baseUrl() + "/dev/token"))
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.std.asString(devTokenRequest)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).contains("application/problem+json");
        assertThat(JSON.std.mapFrom(response.body()))
                .containsEntry("type", "urn:twofa:problem:invalid-request")
                .containsEntry("field", field);
    }
}
