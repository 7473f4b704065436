package dev.twofa.it.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.it.support.BrowserDeviceKey;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.Sms;
import dev.twofa.testing.SoftwareAuthenticator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The states events/scenarios.json names ({@code given}), prepared through the API itself for the
 * event's user, over a {@link Driver}: the handlers in-process, or the local run over HTTP. Each
 * returns the values the scenario may {@code fill} into its event's body.
 */
public final class Givens {
    /** How a test reaches the API and reads what it sent by email and SMS. */
    public interface Driver {
        Reply call(String method, String path, String body);

        /** The token of the newest activation link mailed to the user. */
        String activationToken();

        /** The code of the newest SMS to {@code e164}. */
        String smsCode(String e164);

        /** Lets the next SMS go out (the minimum spacing between sends). */
        void nextSmsWindow();

        Instant now();

        /**
         * The web app's origin, as a browser on it puts it in a WebAuthn ceremony's client data, for the
         * relying party {@code rpId} the options name: the https origin of that host unless the driver
         * knows better (the local run serves http on 127.0.0.1).
         */
        default String webOrigin(String rpId) {
            return "https://" + rpId;
        }
    }

    public record Reply(int status, Map<String, String> headers, String body) {
        /** {@code request} sent with {@code http} (30 s at most for the answer), and its answer. */
        public static Reply send(HttpClient http, HttpRequest.Builder request) {
            try {
                HttpResponse<String> response = http.send(
                        request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                Map<String, String> headers = new LinkedHashMap<>();
                response.headers().map().forEach((name, values) -> headers.put(name, String.join(",", values)));
                return new Reply(response.statusCode(), headers, response.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        public Map<String, Object> json() {
            try {
                return JSON.std.mapFrom(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse(null);
        }
    }

    private Givens() {}

    public static Map<String, String> prepare(String given, Driver api) {
        if (given == null) {
            return Map.of();
        }
        return switch (given) {
            case "activation-link-sent" -> Map.of("token", activationLinkSent(api));
            case "totp-activated" -> {
                String secret = totpActivated(api);
                yield Map.of("code", IndependentTotp.codeAt(secret, api.now()));
            }
            case "totp-enabled" -> totpEnabled(api);
            case "signed-in" -> Map.of("assertion", signedIn(api));
            case "device-remembered" -> Map.of("id", deviceRemembered(api).id());
            case "device-challenge-signed" -> deviceChallengeSigned(api);
            case "webauthn-register-challenge-signed" -> webauthnRegisterChallengeSigned(api);
            case "webauthn-registered" -> Map.of("id", webauthnRegistered(api).credentialId());
            case "webauthn-challenge-signed" -> webauthnChallengeSigned(api);
            case "webauthn-signed-in" -> webauthnSignedIn(api);
            case "sms-enabled" -> {
                smsEnabled(api, Sms.uniqueDanishMobile());
                yield Map.of();
            }
            case "sms-enable-code-sent" -> {
                String phone = Sms.uniqueDanishMobile();
                expect(api.call("POST", "/2fa/sms/send", json(Map.of("purpose", "enable", "phoneNumber", phone))), 202);
                yield Map.of("code", api.smsCode(phone));
            }
            case "sms-login-code-sent" -> {
                String phone = Sms.uniqueDanishMobile();
                smsEnabled(api, phone);
                expect(api.call("POST", "/2fa/sms/send", json(Map.of("purpose", "login"))), 202);
                yield Map.of("code", api.smsCode(phone));
            }
            default ->
                throw new AssertionError(
                        "events/scenarios.json names an unknown given \"" + given
                                + "\"; known: activation-link-sent, totp-activated, totp-enabled, signed-in,"
                                + " device-remembered, device-challenge-signed, webauthn-register-challenge-signed, webauthn-registered,"
                                + " webauthn-challenge-signed, webauthn-signed-in, sms-enabled, sms-enable-code-sent, sms-login-code-sent (dev.twofa.it.deployment.Givens)");
        };
    }

    private static String activationLinkSent(Driver api) {
        expect(api.call("POST", "/2fa/totp/enable", null), 202);
        return api.activationToken();
    }

    private static String totpActivated(Driver api) {
        Reply activated =
                expect(api.call("POST", "/2fa/totp/activate", json(Map.of("token", activationLinkSent(api)))), 200);
        return ((String) activated.json().get("secret")).replace(" ", "");
    }

    /** The app confirmed with the code of {@code step}; the first recovery code it showed. */
    private record Enabled(String secret, long step, String recoveryCode) {
        /**
         * A code the server accepts now: newer than the confirmed step (RFC 6238 §5.2) and inside the
         * ±1 drift window of the moment it is asked for, however long the steps in between took.
         */
        String nextCode(Driver api) {
            return IndependentTotp.code(secret, Math.max(step + 1, IndependentTotp.step(api.now())));
        }
    }

    /**
     * Enrolled with the code of the current step; the code handed out is the next step's, which
     * RFC 6238 §5.2 accepts (newer than the spent one) and the ±1 drift window admits now.
     */
    private static Map<String, String> totpEnabled(Driver api) {
        Enabled enabled = enableTotp(api);
        return Map.of("code", enabled.nextCode(api), "recoveryCode", enabled.recoveryCode());
    }

    @SuppressWarnings("unchecked")
    private static Enabled enableTotp(Driver api) {
        String secret = totpActivated(api);
        long step = IndependentTotp.step(api.now());
        Reply confirmed = expect(
                api.call("POST", "/2fa/totp/confirm", json(Map.of("code", IndependentTotp.code(secret, step)))), 200);
        List<String> recoveryCodes = (List<String>) confirmed.json().get("recoveryCodes");
        return new Enabled(secret, step, recoveryCodes.getFirst());
    }

    /** The app on, and a sign-in with it: the assertion that sign-in answered. */
    private static String signedIn(Driver api) {
        Enabled enabled = enableTotp(api);
        Reply verified = expect(api.call("POST", "/2fa/verify", json(Map.of("code", enabled.nextCode(api)))), 200);
        return (String) verified.json().get("assertion");
    }

    /** A remembered device: its id, and the key pair the "browser" made for it. */
    private record Device(String id, KeyPair key) {}

    /** Signed in, then this browser remembered by a P-256 key made here. */
    private static Device deviceRemembered(Driver api) {
        String assertion = signedIn(api);
        KeyPair key = BrowserDeviceKey.newKey();
        String publicKey = BrowserDeviceKey.publicKey(key);
        Reply registered = expect(
                api.call("POST", "/2fa/devices", json(Map.of("publicKey", publicKey, "assertion", assertion))), 200);
        return new Device((String) registered.json().get("id"), key);
    }

    /**
     * A remembered device, and the current challenge signed by it as a browser signs it (ECDSA P-256,
     * SHA-256, r ‖ s, over the label and the challenge): the body fields of its sign-in step.
     */
    private static Map<String, String> deviceChallengeSigned(Driver api) {
        Device device = deviceRemembered(api);
        Reply issued = expect(api.call("POST", "/2fa/devices/challenge", null), 200);
        String challenge = (String) issued.json().get("challenge");
        return Map.of(
                "device.id", device.id(),
                "device.challenge", challenge,
                "device.signature", BrowserDeviceKey.sign(device.key(), challenge));
    }

    /** The registration options of a user with no factor, answered by a software security key. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> webauthnRegistration(Driver api, SoftwareAuthenticator[] key) {
        Map<String, Object> options = expect(api.call("POST", "/2fa/webauthn/register/options", null), 200)
                .json();
        String rpId = (String) ((Map<String, Object>) options.get("rp")).get("id");
        key[0] = new SoftwareAuthenticator(rpId, api.webOrigin(rpId));
        return key[0].register((String) options.get("challenge"));
    }

    /** The body fields of a registration: the options asked for and answered by a software security key. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> webauthnRegisterChallengeSigned(Driver api) {
        Map<String, Object> credential = webauthnRegistration(api, new SoftwareAuthenticator[1]);
        Map<String, Object> response = (Map<String, Object>) credential.get("response");
        return Map.of(
                "credential.id", (String) credential.get("id"),
                "credential.rawId", (String) credential.get("rawId"),
                "credential.response.clientDataJSON", (String) response.get("clientDataJSON"),
                "credential.response.attestationObject", (String) response.get("attestationObject"));
    }

    /** A security key registered as the user's only factor. */
    private static SoftwareAuthenticator webauthnRegistered(Driver api) {
        SoftwareAuthenticator[] key = new SoftwareAuthenticator[1];
        Map<String, Object> credential = webauthnRegistration(api, key);
        expect(api.call("POST", "/2fa/webauthn/register", json(Map.of("credential", credential))), 200);
        return key[0];
    }

    /** A registered security key's answer to the current sign-in options. */
    private static Map<String, Object> webauthnAssertion(Driver api, SoftwareAuthenticator key) {
        Map<String, Object> options = expect(api.call("POST", "/2fa/webauthn/authenticate/options", null), 200)
                .json();
        return key.authenticate((String) options.get("challenge"), null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> webauthnChallengeSigned(Driver api) {
        Map<String, Object> assertion = webauthnAssertion(api, webauthnRegistered(api));
        Map<String, Object> response = (Map<String, Object>) assertion.get("response");
        return Map.of(
                "webauthn.id", (String) assertion.get("id"),
                "webauthn.rawId", (String) assertion.get("rawId"),
                "webauthn.response.clientDataJSON", (String) response.get("clientDataJSON"),
                "webauthn.response.authenticatorData", (String) response.get("authenticatorData"),
                "webauthn.response.signature", (String) response.get("signature"));
    }

    /** A security key registered and a sign-in with it: its id and the sign-in's assertion. */
    private static Map<String, String> webauthnSignedIn(Driver api) {
        SoftwareAuthenticator key = webauthnRegistered(api);
        Reply verified =
                expect(api.call("POST", "/2fa/verify", json(Map.of("webauthn", webauthnAssertion(api, key)))), 200);
        return Map.of(
                "id", key.credentialId(), "assertion", (String) verified.json().get("assertion"));
    }

    private static void smsEnabled(Driver api, String phone) {
        expect(api.call("POST", "/2fa/sms/send", json(Map.of("purpose", "enable", "phoneNumber", phone))), 202);
        expect(
                api.call("POST", "/2fa/sms/confirm", json(Map.of("purpose", "enable", "code", api.smsCode(phone)))),
                200);
        api.nextSmsWindow();
    }

    private static Reply expect(Reply reply, int status) {
        assertThat(reply.status()).as("preparing the state: " + reply.body()).isEqualTo(status);
        return reply;
    }

    public static String json(Object value) {
        try {
            return JSON.std.asString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
