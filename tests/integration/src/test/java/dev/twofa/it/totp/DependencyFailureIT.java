package dev.twofa.it.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.aws.KmsKeyWrapper;
import dev.twofa.aws.KmsSecretCipher;
import dev.twofa.aws.SesMailer;
import dev.twofa.aws.store.DynamoTwoFactorStore;
import dev.twofa.envelope.EnvelopeSecretCipher;
import dev.twofa.envelope.SecretFormat;
import dev.twofa.functions.activatelink.ActivateLinkHandler;
import dev.twofa.functions.startenable.StartEnableHandler;
import dev.twofa.functions.status.StatusHandler;
import dev.twofa.functions.verifylogin.VerifyLoginHandler;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.TestApp;
import dev.twofa.port.SecretCipher;
import dev.twofa.testing.Stdout;
import dev.twofa.wiring.Wiring;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.MessageRejectedException;

/** A failing dependency gives a clear 5xx and leaves no partial state behind. */
class DependencyFailureIT {
    private final TestApp app = new TestApp();
    private final String user = "user-" + UUID.randomUUID();
    private final URI deadEndpoint = deadEndpoint();

    private static URI deadEndpoint() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The app's secrets cipher, in its mode, with KMS unreachable (for the envelope one: its data key unwrap). */
    private SecretCipher unreachableKms() {
        KmsClient dead = Emulators.at(deadEndpoint, KmsClient.builder()).build();
        return new SecretFormat(
                app.envelopeSecrets,
                new KmsSecretCipher(dead, app.keyId),
                new EnvelopeSecretCipher(
                        app.keyItems, () -> new KmsKeyWrapper(dead, app.keyId), new SecureRandom(), app.clock));
    }

    private DynamoTwoFactorStore store() {
        return new DynamoTwoFactorStore(app.dynamo, app.table, app.auditTrail);
    }

    private SesMailer ses() {
        return new SesMailer(app.ses, TestApp.SENDER);
    }

    private static void assert503(APIGatewayV2HTTPResponse response) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(503);
        assertThat(response.getHeaders()).containsKey("Retry-After");
        assertThat(Api.problemType(response)).isEqualTo("urn:twofa:problem:dependency-unavailable");
    }

    @Test
    void kmsDown_duringVerify_is503_andCountsNoFailure() {
        Enrollment.Enrolled enrolled = Enrollment.enroll(app, user);
        Wiring broken = app.withAdapters(store(), unreachableKms(), ses());
        String code = IndependentTotp.code(enrolled.secret(), enrolled.enrollmentStep() + 1);

        assert503(new VerifyLoginHandler(broken.verifyLogin())
                .handleRequest(Api.request("POST /2fa/verify", user, Api.json(Map.of("code", code))), null));

        // The code was not spent and no failure was counted: the retry succeeds.
        assertThat(Enrollment.verify(app, user, "code", code).getStatusCode()).isEqualTo(200);
    }

    @Test
    void kmsDown_duringActivation_is503_andTheLinkStillWorks() {
        String token = Enrollment.startAndReadToken(app, user);
        Wiring broken = app.withAdapters(store(), unreachableKms(), ses());
        assert503(new ActivateLinkHandler(broken.activateLink())
                .handleRequest(Api.request("POST /2fa/totp/activate", user, Api.json(Map.of("token", token))), null));
        assertThat(Enrollment.activate(app, user, token).getStatusCode()).isEqualTo(200);
    }

    @Test
    void sesDown_duringStartEnable_is503_andLeavesNoPendingEnrollmentOrGrant() {
        SesClient deadSes = Emulators.at(deadEndpoint, SesClient.builder()).build();
        Wiring broken = app.withAdapters(store(), unreachableKms(), new SesMailer(deadSes, TestApp.SENDER));
        assert503(new StartEnableHandler(broken.startEnable())
                .handleRequest(Api.request("POST /2fa/totp/enable", user, null), null));

        assertThat(Enrollment.status(app, user)).containsEntry("totp", Map.of("enabled", false));
        assertThat(app.dynamo.scan(s -> s.tableName(app.table)).items()).isEmpty();
    }

    @Test
    void sesRefusingTheSender_is502_andLeavesNoPendingEnrollment() {
        // moto refuses mail from an unverified identity (MessageRejected): an operator must act.
        Wiring misconfigured = app.withAdapters(
                store(), unreachableKms(), new SesMailer(app.ses, "unverified-" + UUID.randomUUID() + "@twofa.test"));
        APIGatewayV2HTTPResponse response = new StartEnableHandler(misconfigured.startEnable())
                .handleRequest(Api.request("POST /2fa/totp/enable", user, null), null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(502);
        assertThat(app.dynamo.scan(s -> s.tableName(app.table)).items()).isEmpty();
    }

    /**
     * SES's MessageRejected text names an address (moto: "Email address not verified <sender>"; SES
     * itself also names recipients). The handler's log keeps the error code and HTTP status, never
     * that text: CloudWatch Logs is not a place for users' addresses.
     */
    @Test
    void sesMessageRejected_isLoggedAsErrorCodeAndStatus_withoutAnyAddress() {
        String sender = "unverified-" + UUID.randomUUID() + "@twofa.test";
        String recipient = Api.emailOf(user);
        // GIVEN an SES refusal whose message carries the address (what the SDK exception would log)
        assertThatThrownBy(() -> app.ses.sendEmail(m -> m.source(sender)
                        .destination(d -> d.toAddresses(recipient))
                        .message(b -> b.subject(c -> c.data("s")).body(t -> t.text(c -> c.data("b"))))))
                .isInstanceOf(MessageRejectedException.class)
                .hasMessageContaining(sender);
        Wiring misconfigured = app.withAdapters(store(), unreachableKms(), new SesMailer(app.ses, sender));

        // WHEN a handler meets it
        var handled = Stdout.capture(() -> new StartEnableHandler(misconfigured.startEnable())
                .handleRequest(Api.request("POST /2fa/totp/enable", user, null), null));
        APIGatewayV2HTTPResponse response = handled.result();
        String log = handled.printed();
        System.out.print(log);

        // THEN the log has the dependency, error code and status, and no address at all
        assertThat(response.getStatusCode()).isEqualTo(502);
        assertThat(log)
                .contains("POST /2fa/totp/enable dependency fault")
                .contains("SES: MessageRejected (HTTP 400)")
                .doesNotContain(sender)
                .doesNotContain(recipient)
                .doesNotContain("not verified");
        assertThat(log).doesNotContainPattern("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[a-z]{2,}");
    }

    @Test
    void dynamoDown_is503() {
        DynamoDbClient dead =
                Emulators.at(deadEndpoint, DynamoDbClient.builder()).build();
        Wiring broken =
                app.withAdapters(new DynamoTwoFactorStore(dead, app.table, app.auditTrail), unreachableKms(), ses());
        assert503(new StatusHandler(broken.status()).handleRequest(Api.request("GET /2fa/status", user, null), null));
    }
}
