package dev.twofa.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.twofa.config.Config;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
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
