package dev.twofa.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.sun.net.httpserver.HttpServer;
import dev.twofa.config.Config;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Priming runs at publish time (SnapStart's beforeCheckpoint) or at init: a dependency that is down
 * then must cost a slower first request, never a version that fails to publish. The priming's reads
 * against real emulators are covered by the Lambda tier (DeployedFunctionsIT: no item written).
 */
class PrimingTest {
    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void credentials() {
        // The default chain would otherwise look for credentials on this machine (or its IMDS).
        set("aws.accessKeyId", "test");
        set("aws.secretAccessKey", "test");
    }

    @AfterEach
    void restore() {
        saved.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }

    @Test
    void priming_atInit_withEveryDependencyDown_doesNotFailInit() throws IOException {
        // GIVEN an endpoint where nothing listens: every AWS call of the priming fails
        Config config = new Config(Map.of(
                "AWS_REGION",
                "eu-west-1",
                "AWS_ENDPOINT_URL",
                "http://127.0.0.1:" + closedPort(),
                "TABLE_NAME",
                "twofa",
                "KMS_KEY_ID",
                "secrets-key",
                "MAC_KEY_ID",
                "mac-key",
                "ASSERTION_KEY_ID",
                "assertion-key",
                "SENDER_EMAIL",
                "no-reply@example.com",
                "SMS_ALLOWED_COUNTRIES",
                Wiring.ALL_COUNTRIES,
                Priming.AT_INIT,
                "true"));

        // WHEN a function that builds all four clients is wired, priming at init
        // THEN init completes
        assertThatCode(() -> assertThat(Wiring.from(config).smsSend()).isNotNull())
                .doesNotThrowAnyException();
    }

    @Test
    void priming_ofAClientNeverBuilt_buildsNothing() {
        // GIVEN adapters whose clients were never asked for, and an SDK missing would fail if touched
        Config config = new Config(Map.of("AWS_REGION", "eu-west-1", "TABLE_NAME", "twofa"));
        AwsAdapters adapters = new AwsAdapters(config);

        // WHEN primed THEN nothing is built, so nothing fails (no KMS_KEY_ID, no SENDER_EMAIL needed)
        assertThatCode(() -> new Priming(adapters, config).prime()).doesNotThrowAnyException();
    }

    @Test
    void priming_ofTheSignInPath_inEnvelopeModes_unwrapsCreatesAndReadsNoKey() throws IOException {
        // GIVEN an endpoint that records every AWS operation asked of it (and refuses each)
        List<String> operations = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            // JSON protocols name the operation in X-Amz-Target, query protocols (SES) in the body's Action.
            operations.add(target != null ? target : request.replaceAll("^.*?Action=([A-Za-z]+).*$", "$1"));
            byte[] body =
                    "{\"__type\":\"ValidationException\",\"message\":\"refused\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            Config config = new Config(Map.of(
                    "AWS_REGION",
                    "eu-west-1",
                    "AWS_ENDPOINT_URL",
                    "http://127.0.0.1:" + server.getAddress().getPort(),
                    "TABLE_NAME",
                    "twofa",
                    "KMS_KEY_ID",
                    "secrets-key",
                    "SENDER_EMAIL",
                    "no-reply@example.com",
                    "ASSERTION_ISSUER",
                    "twofa",
                    "ASSERTION_AUDIENCE",
                    "app",
                    "APP_BASE_URL",
                    "https://app.example.com",
                    Priming.AT_INIT,
                    "true"));

            // WHEN verify-login (secrets and assertions, both envelope by default) and jwks are wired and primed
            Wiring.from(config).verifyLogin();
            Wiring.from(config).jwks();
        } finally {
            server.stop(0);
        }

        // THEN priming made only its harmless reads: no key Query, Decrypt, Encrypt or GenerateDataKey
        // (a key unwrapped or drawn here would be shared by every instance restored from the snapshot)
        assertThat(operations).isNotEmpty().allSatisfy(op -> assertThat(op)
                .isIn("DynamoDB_20120810.GetItem", "TrentService.DescribeKey", "GetSendQuota"));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void set(String key, String value) {
        saved.put(key, System.getProperty(key));
        System.setProperty(key, value);
    }
}
