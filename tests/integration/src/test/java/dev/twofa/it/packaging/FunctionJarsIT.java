package dev.twofa.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each function's deployment jar carries its handler and only the SDK clients its use case calls:
 * smaller jars and fewer classes to load at cold start, and less for an attacker to reach.
 */
class FunctionJarsIT {
    private static final Path ROOT = Path.of(System.getProperty("twofa.repoRoot", "../.."));
    private static final List<String> CLIENTS = List.of("dynamodb", "kms", "ses", "sns", "eventbridge");

    /** Every function that records security events also publishes them to EventBridge. */
    static Stream<Arguments> functions() {
        return Stream.of(
                Arguments.of(
                        "start-enable",
                        "startenable/StartEnableHandler",
                        Set.of("dynamodb", "kms", "ses", "eventbridge")),
                Arguments.of(
                        "activate-link", "activatelink/ActivateLinkHandler", Set.of("dynamodb", "kms", "eventbridge")),
                Arguments.of(
                        "confirm-totp",
                        "confirmtotp/ConfirmTotpHandler",
                        Set.of("dynamodb", "kms", "ses", "eventbridge")),
                // SES only for the "a recovery code was used" notice (OWASP MFA cheat sheet).
                Arguments.of(
                        "verify-login",
                        "verifylogin/VerifyLoginHandler",
                        Set.of("dynamodb", "kms", "ses", "eventbridge")),
                Arguments.of("disable", "disable/DisableHandler", Set.of("dynamodb", "kms", "ses", "eventbridge")),
                Arguments.of("status", "status/StatusHandler", Set.of("dynamodb")),
                // KMS: encrypt/decrypt the number and GenerateMac; SNS: the SMS itself.
                Arguments.of(
                        "sms-send", "smssend/SmsSendHandler", Set.of("dynamodb", "kms", "ses", "sns", "eventbridge")),
                // KMS GenerateMac for the code hash; SES for the enabled/disabled notices.
                Arguments.of(
                        "sms-confirm", "smsconfirm/SmsConfirmHandler", Set.of("dynamodb", "kms", "ses", "eventbridge")),
                Arguments.of(
                        "regenerate-recovery-codes",
                        "regeneraterecoverycodes/RegenerateRecoveryCodesHandler",
                        Set.of("dynamodb", "kms", "ses", "eventbridge")),
                Arguments.of("activity", "activity/ActivityHandler", Set.of("dynamodb")),
                // The JWKS document needs the public key only: no table, no mail.
                Arguments.of("jwks", "jwks/JwksHandler", Set.of("dynamodb", "kms")),
                Arguments.of(
                        "support-reset", "supportreset/SupportResetHandler", Set.of("dynamodb", "ses", "eventbridge")),
                Arguments.of("org-policy", "orgpolicy/OrgPolicyHandler", Set.of("dynamodb", "eventbridge")),
                Arguments.of("device-challenge", "devicechallenge/DeviceChallengeHandler", Set.of("dynamodb")),
                // KMS: the assertion's public key (kms mode); SES: the lockout's notices.
                Arguments.of(
                        "device-register",
                        "deviceregister/DeviceRegisterHandler",
                        Set.of("dynamodb", "kms", "ses", "eventbridge")),
                Arguments.of("device-list", "devicelist/DeviceListHandler", Set.of("dynamodb")),
                Arguments.of("device-revoke", "devicerevoke/DeviceRevokeHandler", Set.of("dynamodb", "eventbridge")),
                // KMS: a step-up proof (a TOTP code, an assertion); SES: the lockout's notices.
                Arguments.of(
                        "webauthn-register-options",
                        "webauthnregisteroptions/WebAuthnRegisterOptionsHandler",
                        Set.of("dynamodb", "kms", "ses", "eventbridge")),
                // No KMS: the step-up was spent with the options; SES: the "security key added" notice.
                Arguments.of(
                        "webauthn-register",
                        "webauthnregister/WebAuthnRegisterHandler",
                        Set.of("dynamodb", "ses", "eventbridge")),
                Arguments.of(
                        "webauthn-authenticate-options",
                        "webauthnauthenticateoptions/WebAuthnAuthenticateOptionsHandler",
                        Set.of("dynamodb")),
                Arguments.of(
                        "webauthn-credentials", "webauthncredentials/WebAuthnCredentialsHandler", Set.of("dynamodb")),
                Arguments.of(
                        "webauthn-rename", "webauthnrename/WebAuthnRenameHandler", Set.of("dynamodb", "eventbridge")),
                Arguments.of(
                        "webauthn-remove",
                        "webauthnremove/WebAuthnRemoveHandler",
                        Set.of("dynamodb", "kms", "ses", "eventbridge")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void jarHoldsItsHandler_andOnlyTheClientsItUses(String function, String handler, Set<String> clients)
            throws IOException {
        Path jar = ROOT.resolve("functions/" + function + "/target/function.jar");
        assertThat(jar).as("built by `mvn package` before this test runs").exists();
        try (JarFile file = new JarFile(jar.toFile())) {
            List<String> entries = file.stream().map(e -> e.getName()).toList();
            assertThat(entries).contains("dev/twofa/functions/" + handler + ".class");
            for (String client : CLIENTS) {
                boolean present =
                        entries.stream().anyMatch(e -> e.startsWith("software/amazon/awssdk/services/" + client + "/"));
                assertThat(present)
                        .as(function + " carries the " + client + " client")
                        .isEqualTo(clients.contains(client));
            }
            // One lightweight HTTP client (url-connection); no Apache or Netty client, no Joda-Time.
            assertThat(entries)
                    .anyMatch(e -> e.startsWith("software/amazon/awssdk/http/urlconnection/"))
                    .noneMatch(e -> e.startsWith("software/amazon/awssdk/http/apache"))
                    .noneMatch(e -> e.startsWith("software/amazon/awssdk/http/nio/netty/"))
                    .noneMatch(e -> e.startsWith("org/apache/hc/"))
                    .noneMatch(e -> e.startsWith("io/netty/"))
                    .noneMatch(e -> e.startsWith("org/joda/"));
            // Development-only adapters (key files, outbox, file signer) live in tools/local-run.
            assertThat(entries)
                    .as(function + " carries no local-run code")
                    .noneMatch(e -> e.startsWith("dev/twofa/local"));
            boolean qr = entries.stream().anyMatch(e -> e.startsWith("com/google/zxing/"));
            // The setup's QR code: drawn when the link is opened, and again for GET /2fa/totp/pending.
            assertThat(qr)
                    .as(function + " carries zxing")
                    .isEqualTo(function.equals("activate-link") || function.equals("confirm-totp"));
            boolean phoneNumbers = entries.stream().anyMatch(e -> e.startsWith("com/google/i18n/phonenumbers/"));
            assertThat(phoneNumbers).as(function + " carries libphonenumber").isEqualTo(function.equals("sms-send"));
            // WebAuthn ceremonies: only the two functions that verify one carry the library (and its Jackson 3).
            boolean webauthn4j = entries.stream().anyMatch(e -> e.startsWith("com/webauthn4j/"));
            assertThat(webauthn4j)
                    .as(function + " carries webauthn4j")
                    .isEqualTo(function.equals("webauthn-register") || function.equals("verify-login"));
        }
        System.out.printf("function jar %-14s %,10d bytes%n", function, Files.size(jar));
    }
}
