package dev.twofa.it.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.Sms;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
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
                                + " device-remembered, device-challenge-signed, sms-enabled, sms-enable-code-sent, sms-login-code-sent (dev.twofa.it.deployment.Givens)");
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

    /**
     * Enrolled with the code of the current step; the code handed out is the next step's, which
     * RFC 6238 §5.2 accepts (newer than the spent one) and the ±1 drift window admits now.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, String> totpEnabled(Driver api) {
        String secret = totpActivated(api);
        long step = IndependentTotp.step(api.now());
        Reply confirmed = expect(
                api.call("POST", "/2fa/totp/confirm", json(Map.of("code", IndependentTotp.code(secret, step)))), 200);
        List<String> recoveryCodes = (List<String>) confirmed.json().get("recoveryCodes");
        return Map.of("code", IndependentTotp.code(secret, step + 1), "recoveryCode", recoveryCodes.getFirst());
    }

    /** The app on, and a sign-in with it: the assertion that sign-in answered. */
    private static String signedIn(Driver api) {
        String code = totpEnabled(api).get("code");
        Reply verified = expect(api.call("POST", "/2fa/verify", json(Map.of("code", code))), 200);
        return (String) verified.json().get("assertion");
    }

    /** A remembered device: its id, and the key pair the "browser" made for it. */
    private record Device(String id, KeyPair key) {}

    /** Signed in, then this browser remembered by a P-256 key made here. */
    private static Device deviceRemembered(Driver api) {
        String assertion = signedIn(api);
        KeyPair key;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            key = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
        String publicKey = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(key.getPublic().getEncoded());
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
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
            ecdsa.initSign(device.key().getPrivate());
            ecdsa.update(("twofa-remembered-device-v1:" + challenge).getBytes(StandardCharsets.UTF_8));
            return Map.of(
                    "device.id", device.id(),
                    "device.challenge", challenge,
                    "device.signature", Base64.getUrlEncoder().withoutPadding().encodeToString(ecdsa.sign()));
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
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
