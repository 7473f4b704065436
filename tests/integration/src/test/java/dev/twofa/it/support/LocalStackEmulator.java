package dev.twofa.it.support;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One LocalStack container (DynamoDB, KMS, SES, SNS) for machines with a Docker engine. Not used
 * on the project's CI machines, which have none.
 */
final class LocalStackEmulator {
    static final String IMAGE = "localstack/localstack:4";

    private final LocalStackContainer container;

    private LocalStackEmulator(LocalStackContainer container) {
        this.container = container;
    }

    /**
     * Asks Testcontainers only when a Docker engine could plausibly exist (DOCKER_HOST set or the
     * default socket present), so the check costs nothing on machines without one.
     */
    static boolean dockerAvailable() {
        boolean hint = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
        if (!hint) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @SuppressWarnings("resource") // stopped by stop(), from the shutdown hook
    static LocalStackEmulator start() {
        LocalStackContainer container =
                new LocalStackContainer(DockerImageName.parse(IMAGE)).withServices("dynamodb", "kms", "ses", "sns");
        String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
        if (token != null && !token.isBlank()) {
            container.withEnv("LOCALSTACK_AUTH_TOKEN", token);
        }
        try {
            container.start();
        } catch (RuntimeException e) {
            container.stop();
            throw new IllegalStateException(
                    "LocalStack (" + IMAGE + ") failed to start through Testcontainers: " + e.getMessage()
                            + ". Set TWOFA_EMULATORS=local to use DynamoDB Local + moto_server instead"
                            + " (scripts/test installs moto_server).",
                    e);
        }
        return new LocalStackEmulator(container);
    }

    URI endpoint() {
        return container.getEndpoint();
    }

    void stop() {
        container.stop();
    }
}
