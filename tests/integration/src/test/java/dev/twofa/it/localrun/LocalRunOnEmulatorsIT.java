package dev.twofa.it.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.localrun.LocalRunFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The local run with AWS_ENDPOINT_URL set: the production AWS adapters against that endpoint
 * (moto here: DynamoDB, KMS, SES, SNS in one server) instead of the embedded stand-ins, with the
 * outbox still showing what was sent.
 */
class LocalRunOnEmulatorsIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern TOKEN = Pattern.compile("#token=([A-Za-z0-9_-]+)");

    private static final String TABLE = "twofa-localrun-" + UUID.randomUUID();

    @RegisterExtension
    static final LocalRunFixture LOCAL = LocalRunFixture.withEnvFrom(() -> Map.of(
            "AWS_ENDPOINT_URL",
            Emulators.awsEndpoint().toString(),
            "AWS_REGION",
            Emulators.region(),
            "TABLE_NAME",
            TABLE,
            "SENDER_EMAIL",
            "no-reply-" + UUID.randomUUID() + "@twofa.test"));

    private static HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(LOCAL.baseUrl() + path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void enableAndVerify_runOnTheAwsAdapters_againstTheEndpoint() throws Exception {
        String sub = "emu-" + UUID.randomUUID();
        String email = sub + "@example.test";
        String token = (String) JSON.std
                .mapFrom(call("POST", "/dev/token", null, JSON.std.asString(Map.of("sub", sub, "email", email)))
                        .body())
                .get("token");

        assertThat(call("POST", "/2fa/totp/enable", token, "").statusCode()).isEqualTo(202);

        // The email went through SES (moto recorded it) and into the outbox.
        assertThat(Emulators.sentEmailsTo(email)).hasSize(1);
        List<Object> outbox =
                JSON.std.listFrom(call("GET", "/dev/outbox", null, null).body());
        @SuppressWarnings("unchecked")
        String body = (String) ((Map<String, Object>) outbox.get(0)).get("body");
        Matcher link = TOKEN.matcher(body);
        assertThat(link.find()).isTrue();

        var activated = call("POST", "/2fa/totp/activate", token, JSON.std.asString(Map.of("token", link.group(1))));
        assertThat(activated.statusCode()).as(activated.body()).isEqualTo(200);
        String secret = (String) JSON.std.mapFrom(activated.body()).get("secret");
        long step = IndependentTotp.step(Instant.now());
        var confirmed = call(
                "POST",
                "/2fa/totp/confirm",
                token,
                JSON.std.asString(Map.of("code", IndependentTotp.code(secret, step))));
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);

        // The table lives on the endpoint, with the secret KMS-encrypted there.
        try (var dynamo = Emulators.at(
                        Emulators.awsEndpoint(), software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder())
                .build()) {
            var account = dynamo.getItem(g -> g.tableName(TABLE)
                    .key(Map.of(
                            "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("USER#" + sub),
                            "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("ACCOUNT"))));
            assertThat(account.item()).containsKey("totpSecret");
        }

        var verified = call(
                "POST",
                "/2fa/verify",
                token,
                JSON.std.asString(Map.of("code", IndependentTotp.code(secret, step + 1))));
        assertThat(verified.statusCode()).as(verified.body()).isEqualTo(200);
        assertThat(JSON.std.mapFrom(verified.body()))
                .containsEntry("method", "totp")
                .containsKey("assertion");
    }
}
