package dev.twofa.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.twofa.localrun.LocalRunFixture;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * End to end, as a web app and a user with an authenticator app would go: the local run started
 * in-process (DynamoDB Local, local cipher, outbox), driven only over HTTP. TOTP codes are computed
 * by the test ({@link Rfc6238}), independently of the service's own implementation.
 */
class LocalRunE2EIT {
    private static final String INVALID_CODE = "urn:twofa:problem:invalid-code";
    private static final String STEP_UP_REQUIRED = "urn:twofa:problem:step-up-required";
    /** The attacker's phone in the issue: French, so France is on this run's SMS allow-list. */
    private static final String ATTACKER_PHONE = "+33 6 12 34 56 78";

    @RegisterExtension
    static final LocalRunFixture LOCAL = LocalRunFixture.withEnv(Map.of(
            // The 30 s between sends is proven in tests/integration; here it would only slow the flow.
            "SMS_SECONDS_BETWEEN_SENDS",
            "0",
            // France too: the exploit's number must be refused for want of a proof, not for its country.
            "SMS_ALLOWED_COUNTRIES",
            "DK,SE,NO,DE,GB,US,FR"));

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void enableVerifyRecoverAndDisable_overHttp_likeAWebAppAndAnAuthenticatorApp() throws Exception {
        String id = UUID.randomUUID().toString();
        String email = "e2e-" + id + "@example.test";
        String token = devToken("e2e-" + id, email);

        // "Set up authenticator app" clicked: the activation link goes out by email.
        Reply enable = post("/2fa/totp/enable", token, "");
        assertThat(enable.status()).isEqualTo(202);

        Map<String, Object> activationEmail = onlyEmail(email, "Activate two-factor authentication");
        String link = linkIn((String) activationEmail.get("body"));
        assertThat(link).startsWith(LOCAL.baseUrl() + "/activate#token=");
        String activationToken = link.substring(link.indexOf("#token=") + "#token=".length());

        // The link opened: the secret, its otpauth URI and the QR code of that URI, once.
        Reply activate = post("/2fa/totp/activate", token, json(Map.of("token", activationToken)));
        assertThat(activate.status()).isEqualTo(200);
        String otpauthUri = activate.string("otpauthUri");
        assertThat(otpauthUri).startsWith("otpauth://totp/");
        assertThat(decodeQr(activate.string("qrCodePng"))).isEqualTo(otpauthUri);
        String secret = queryParameter(otpauthUri, "secret");
        assertThat(activate.string("secret").replace(" ", "")).isEqualToIgnoringCase(secret);
        assertThat(post("/2fa/totp/activate", token, json(Map.of("token", activationToken)))
                        .status())
                .as("the link works once")
                .isEqualTo(400);

        // The first code turns 2FA on and answers the recovery codes.
        long step = Rfc6238.stepWithTimeToSpare();
        Reply confirm = post("/2fa/totp/confirm", token, json(Map.of("code", Rfc6238.totp(secret, step))));
        assertThat(confirm.status()).as(confirm.body()).isEqualTo(200);
        List<String> recoveryCodes = confirm.list("recoveryCodes");
        assertThat(recoveryCodes).hasSize(10).doesNotHaveDuplicates();

        Reply status = get("/2fa/status", token);
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.map("totp")).containsEntry("enabled", true);
        assertThat(status.number("recoveryCodesRemaining")).isEqualTo(10);

        // Sign-in: the step used at enrollment is spent (RFC 6238 §5.2), the next one is within
        // the ±1 drift window and newer, so it is accepted, once.
        String nextCode = Rfc6238.totp(secret, step + 1);
        Reply verify = post("/2fa/verify", token, json(Map.of("code", nextCode)));
        assertThat(verify.status()).as(verify.body()).isEqualTo(200);
        assertThat(verify.map()).containsEntry("verified", true).containsEntry("method", "totp");

        Reply replay = post("/2fa/verify", token, json(Map.of("code", nextCode)));
        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.contentType()).startsWith("application/problem+json");
        assertThat(replay.string("type")).isEqualTo(INVALID_CODE);

        // A recovery code signs in once.
        Reply recovery = post("/2fa/verify", token, json(Map.of("recoveryCode", recoveryCodes.get(0))));
        assertThat(recovery.status()).as(recovery.body()).isEqualTo(200);
        assertThat(recovery.map()).containsEntry("method", "recovery");

        Reply recoveryAgain = post("/2fa/verify", token, json(Map.of("recoveryCode", recoveryCodes.get(0))));
        assertThat(recoveryAgain.status()).isEqualTo(400);
        assertThat(recoveryAgain.string("type")).isEqualTo(INVALID_CODE);

        // Turning 2FA off needs the second factor once more.
        Reply disable = post("/2fa/disable", token, json(Map.of("recoveryCode", recoveryCodes.get(1))));
        assertThat(disable.status()).as(disable.body()).isEqualTo(200);

        Reply after = get("/2fa/status", token);
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.map("totp")).containsEntry("enabled", false);

        // OWASP MFA cheat sheet: the user hears of every change.
        onlyEmail(email, "Two-factor authentication is on");
        onlyEmail(email, "A recovery code was used to sign in");
        onlyEmail(email, "Authenticator app turned off for two-factor authentication");
    }

    @Test
    void smsEnableSignInAndDisable_overHttp_readingCodesFromTheOutbox() throws Exception {
        String id = UUID.randomUUID().toString();
        String email = "sms-" + id + "@example.test";
        String token = devToken("sms-" + id, email);
        String phone = "+45 20 " + (10 + (int) (Math.random() * 89)) + " 34 " + (10 + (int) (Math.random() * 89));
        String e164 = phone.replace(" ", "");

        // The help-center example is not a valid Danish number: refused before any SMS.
        Reply invalid = post("/2fa/sms/send", token, json(Map.of("purpose", "enable", "phoneNumber", "+45 12345678")));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.contentType()).startsWith("application/problem+json");
        assertThat(invalid.string("type")).isEqualTo("urn:twofa:problem:invalid-phone-number");

        Reply sent = post("/2fa/sms/send", token, json(Map.of("purpose", "enable", "phoneNumber", phone)));
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        String masked = "+45 •••• ••" + e164.substring(e164.length() - 2);
        assertThat(sent.string("sentTo")).isEqualTo(masked);
        assertThat(sent.number("expiresInSeconds")).isEqualTo(300);

        Reply enabled = post("/2fa/sms/confirm", token, json(Map.of("purpose", "enable", "code", smsCode(e164))));
        assertThat(enabled.status()).as(enabled.body()).isEqualTo(200);
        assertThat(enabled.map("sms")).containsEntry("enabled", true).containsEntry("phoneNumber", masked);
        assertThat(get("/2fa/status", token).map("sms")).containsEntry("phoneNumber", masked);

        // Each sign-in sends a new code; a code works once.
        assertThat(post("/2fa/sms/send", token, json(Map.of("purpose", "login")))
                        .status())
                .isEqualTo(202);
        String loginCode = smsCode(e164);
        Reply login = post("/2fa/sms/confirm", token, json(Map.of("purpose", "login", "code", loginCode)));
        assertThat(login.map()).containsEntry("verified", true).containsEntry("method", "sms");
        Reply replay = post("/2fa/sms/confirm", token, json(Map.of("purpose", "login", "code", loginCode)));
        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.string("type")).isEqualTo(INVALID_CODE);

        // Disabling needs a code sent to the phone.
        assertThat(post("/2fa/sms/send", token, json(Map.of("purpose", "disable")))
                        .status())
                .isEqualTo(202);
        Reply disabled = post("/2fa/sms/confirm", token, json(Map.of("purpose", "disable", "code", smsCode(e164))));
        assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
        assertThat(get("/2fa/status", token).map("sms")).containsEntry("enabled", false);

        onlyEmail(email, "Text message (SMS) turned on for two-factor authentication");
        onlyEmail(email, "Text message (SMS) turned off for two-factor authentication");
    }

    /**
     * The exploit of the issue: an attacker holding only the victim's identity token (a phished
     * password) binds their own phone as a second factor, then signs in with the codes texted to it.
     * While the authenticator app is on, binding a number needs a proof of it.
     */
    @Test
    void passwordOnly_cannotBindAPhone_overHttp() throws Exception {
        String id = UUID.randomUUID().toString();
        String email = "victim-" + id + "@example.test";
        String token = devToken("victim-" + id, email);
        Totp victim = enableTotp(token, email);
        String attackerE164 = ATTACKER_PHONE.replace(" ", "");

        // The token alone: 403, and no text message goes anywhere.
        Reply bind = post("/2fa/sms/send", token, json(Map.of("purpose", "enable", "phoneNumber", ATTACKER_PHONE)));
        assertThat(bind.status()).as(bind.body()).isEqualTo(403);
        assertThat(bind.contentType()).startsWith("application/problem+json");
        assertThat(bind.string("type")).isEqualTo(STEP_UP_REQUIRED);
        assertThat(bind.list("acceptedProofs")).containsExactly("code", "recoveryCode", "assertion");
        assertThat(messagesTo(attackerE164)).as("texts to the attacker's phone").isEmpty();

        // Nor with a guessed code: a failed sign-in attempt like any other.
        Reply guessed = post(
                "/2fa/sms/send",
                token,
                json(Map.of(
                        "purpose",
                        "enable",
                        "phoneNumber",
                        ATTACKER_PHONE,
                        "code",
                        Rfc6238.wrongCode(victim.secret()))));
        assertThat(guessed.status()).as(guessed.body()).isEqualTo(400);
        assertThat(guessed.string("type")).isEqualTo(INVALID_CODE);

        // SMS is not on, so there is no sign-in code to have texted either.
        Reply login = post("/2fa/sms/send", token, json(Map.of("purpose", "login")));
        assertThat(login.status()).as(login.body()).isEqualTo(409);
        assertThat(login.string("type")).isEqualTo("urn:twofa:problem:wrong-state");
        assertThat(get("/2fa/status", token).map("sms")).containsEntry("enabled", false);
        assertThat(messagesTo(attackerE164)).as("texts to the attacker's phone").isEmpty();
        assertThat(messagesTo(email))
                .extracting(m -> m.get("subject"))
                .doesNotContain("Text message (SMS) turned on for two-factor authentication");

        // The owner, with the app at hand, adds a number: the rule asks for a factor, it does not forbid.
        String ownerPhone = "+45 20 " + twoDigits() + " 34 " + twoDigits();
        Reply owner = post(
                "/2fa/sms/send",
                token,
                json(Map.of("purpose", "enable", "phoneNumber", ownerPhone, "code", victim.nextCode())));
        assertThat(owner.status()).as(owner.body()).isEqualTo(202);
        assertThat(messagesTo(ownerPhone.replace(" ", ""))).hasSize(1);
    }

    /** An SMS-only account proves with the assertion of an SMS sign-in, and each assertion proves once. */
    @Test
    void smsOnlyAccount_addsTheApp_withTheAssertionOfAnSmsSignIn_once() throws Exception {
        String id = UUID.randomUUID().toString();
        String email = "smsonly-" + id + "@example.test";
        String token = devToken("smsonly-" + id, email);
        String phone = "+45 20 " + twoDigits() + " 35 " + twoDigits();
        String e164 = phone.replace(" ", "");
        assertThat(post("/2fa/sms/send", token, json(Map.of("purpose", "enable", "phoneNumber", phone)))
                        .status())
                .as("the first factor needs no proof")
                .isEqualTo(202);
        assertThat(post("/2fa/sms/confirm", token, json(Map.of("purpose", "enable", "code", smsCode(e164))))
                        .status())
                .isEqualTo(200);

        Reply bare = post("/2fa/totp/enable", token, "");
        assertThat(bare.status()).as(bare.body()).isEqualTo(403);
        assertThat(bare.string("type")).isEqualTo(STEP_UP_REQUIRED);
        assertThat(bare.list("acceptedProofs")).containsExactly("assertion");
        assertThat(messagesTo(email))
                .extracting(m -> m.get("subject"))
                .doesNotContain("Activate two-factor authentication");

        assertThat(post("/2fa/sms/send", token, json(Map.of("purpose", "login")))
                        .status())
                .isEqualTo(202);
        Reply signIn = post("/2fa/sms/confirm", token, json(Map.of("purpose", "login", "code", smsCode(e164))));
        assertThat(signIn.status()).as(signIn.body()).isEqualTo(200);
        String assertion = signIn.string("assertion");

        Reply enable = post("/2fa/totp/enable", token, json(Map.of("assertion", assertion)));
        assertThat(enable.status()).as(enable.body()).isEqualTo(202);
        onlyEmail(email, "Activate two-factor authentication");

        Reply again = post("/2fa/totp/enable", token, json(Map.of("assertion", assertion)));
        assertThat(again.status())
                .as("each assertion proves once: " + again.body())
                .isEqualTo(400);
        assertThat(again.string("type")).isEqualTo(INVALID_CODE);
    }

    /**
     * The "AuthQuake" race over HTTP: 40 wrong codes at once on one account, each on a connection
     * of its own, served in parallel by the local run (one handler instance each, as Lambda would).
     * Every guess is counted before its answer leaves, so only the 5 free failures are answered
     * 400 and the others 429 with Retry-After (tests/integration's AttemptBudgetIT does 200 on the
     * handlers; this is the same rule through the whole HTTP path).
     */
    @Test
    void fortyParallelWrongCodes_overHttp_onlyTheFreeFailuresAreAnswered() throws Exception {
        String id = UUID.randomUUID().toString();
        String email = "burst-" + id + "@example.test";
        String token = devToken("burst-" + id, email);
        Totp totp = enableTotp(token, email);
        HttpRequest guess = HttpRequest.newBuilder(URI.create(LOCAL.baseUrl() + "/2fa/verify"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(json(Map.of("code", Rfc6238.wrongCode(totp.secret())))))
                .build();
        List<HttpResponse<String>> answers;
        long started = System.nanoTime();
        try (HttpClient burst = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build()) {
            List<CompletableFuture<HttpResponse<String>>> pending = IntStream.range(0, 40)
                    .mapToObj(i -> burst.sendAsync(guess, HttpResponse.BodyHandlers.ofString()))
                    .toList();
            answers = pending.stream().map(CompletableFuture::join).toList();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        Map<Integer, List<HttpResponse<String>>> byStatus =
                answers.stream().collect(Collectors.groupingBy(HttpResponse::statusCode));
        assertThat(byStatus.keySet()).as("statuses").isSubsetOf(400, 429);
        assertThat(byStatus.getOrDefault(400, List.of()))
                .as("answered guesses in a burst of %s", took)
                .hasSizeBetween(5, 5 + failuresAnsweredAfterWaitsWithin(took));
        assertThat(byStatus.getOrDefault(429, List.of())).allSatisfy(refused -> {
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(JSON.std.mapFrom(refused.body())).containsEntry("type", "urn:twofa:problem:too-many-attempts");
        });
    }

    /**
     * After the 5 free failures each further one waits 2^(n−5) s after the previous (1 s, 2 s, 4 s…),
     * so a burst lasting {@code took} may have had k more answered, where 2^k − 1 ≤ its seconds.
     */
    private static int failuresAnsweredAfterWaitsWithin(Duration took) {
        double seconds = took.toNanos() / 1e9;
        int extra = 0;
        while (Math.pow(2, extra + 1) - 1 <= seconds) {
            extra++;
        }
        return extra;
    }

    /** The code in the newest SMS the outbox holds for {@code e164}. */
    private static String smsCode(String e164) throws Exception {
        List<Object> messages = JSON.std.listFrom(get("/dev/outbox", null).body());
        for (Object m : messages) {
            @SuppressWarnings("unchecked")
            Map<String, Object> message = (Map<String, Object>) m;
            if ("sms".equals(message.get("channel")) && e164.equals(message.get("to"))) {
                Matcher code = Pattern.compile("\\b(\\d{6})\\b").matcher((String) message.get("body"));
                assertThat(code.find()).as((String) message.get("body")).isTrue();
                return code.group(1);
            }
        }
        throw new AssertionError("no SMS to " + e164 + " in the outbox");
    }

    @Test
    void requestWithoutToken_is401_beforeReachingTheFunction() throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(LOCAL.baseUrl().resolve("/2fa/status"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(JSON.std.mapFrom(response.body())).containsEntry("message", "Unauthorized");
    }

    @Test
    void malformedBody_is400ProblemJson() throws Exception {
        String token = devToken("e2e-" + UUID.randomUUID(), null);

        Reply reply = post("/2fa/verify", token, "{\"code\": 123456");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.string("type")).isEqualTo("urn:twofa:problem:invalid-request");
        assertThat(reply.number("status")).isEqualTo(400);
    }

    @Test
    void independentTotp_matchesRfc6238AppendixB_sha1() throws Exception {
        String seed = new Base32().encodeToString("12345678901234567890".getBytes(StandardCharsets.US_ASCII));

        assertThat(Rfc6238.totp(seed, 59 / 30, 8)).isEqualTo("94287082");
        assertThat(Rfc6238.totp(seed, 1111111109L / 30, 8)).isEqualTo("07081804");
        assertThat(Rfc6238.totp(seed, 20000000000L / 30, 8)).isEqualTo("65353130");
    }

    // --- Setting up -------------------------------------------------------------------------

    /** The authenticator app, on: its secret and the step its first code spent. */
    private record Totp(String secret, long step, List<String> recoveryCodes) {
        /** A code the server takes now: newer than the step spent at enrollment (RFC 6238 §5.2). */
        String nextCode() throws Exception {
            return Rfc6238.totp(secret, Math.max(step + 1, Rfc6238.currentStep()));
        }
    }

    private static Totp enableTotp(String token, String email) throws Exception {
        assertThat(post("/2fa/totp/enable", token, "").status()).isEqualTo(202);
        String link = linkIn(
                (String) onlyEmail(email, "Activate two-factor authentication").get("body"));
        String activationToken = link.substring(link.indexOf("#token=") + "#token=".length());
        Reply activate = post("/2fa/totp/activate", token, json(Map.of("token", activationToken)));
        assertThat(activate.status()).as(activate.body()).isEqualTo(200);
        String secret = queryParameter(activate.string("otpauthUri"), "secret");
        long step = Rfc6238.stepWithTimeToSpare();
        Reply confirm = post("/2fa/totp/confirm", token, json(Map.of("code", Rfc6238.totp(secret, step))));
        assertThat(confirm.status()).as(confirm.body()).isEqualTo(200);
        return new Totp(secret, step, confirm.list("recoveryCodes"));
    }

    private static String twoDigits() {
        return Integer.toString(ThreadLocalRandom.current().nextInt(10, 100));
    }

    /** Everything the outbox holds for {@code to}, newest first. */
    private static List<Map<String, Object>> messagesTo(String to) throws Exception {
        List<Map<String, Object>> messages = new ArrayList<>();
        for (Object m : JSON.std.listFrom(get("/dev/outbox", null).body())) {
            @SuppressWarnings("unchecked")
            Map<String, Object> message = (Map<String, Object>) m;
            if (to.equals(message.get("to"))) {
                messages.add(message);
            }
        }
        return messages;
    }

    // --- HTTP -------------------------------------------------------------------------------

    private record Reply(int status, String contentType, String body) {
        Map<String, Object> map() throws IOException {
            return JSON.std.mapFrom(body);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> map(String field) throws IOException {
            return (Map<String, Object>) map().get(field);
        }

        String string(String field) throws IOException {
            return (String) map().get(field);
        }

        long number(String field) throws IOException {
            return ((Number) map().get(field)).longValue();
        }

        @SuppressWarnings("unchecked")
        List<String> list(String field) throws IOException {
            return (List<String>) map().get(field);
        }
    }

    private static String devToken(String sub, String email) throws Exception {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", sub);
        if (email != null) {
            claims.put("email", email);
        }
        Reply reply = post("/dev/token", null, json(claims));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.string("token");
    }

    private static Reply post(String path, String token, String body) throws Exception {
        return send(
                HttpRequest.newBuilder(URI.create(LOCAL.baseUrl() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                token);
    }

    private static Reply get(String path, String token) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(LOCAL.baseUrl() + path)).GET(), token);
    }

    private static Reply send(HttpRequest.Builder request, String token) throws Exception {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response =
                HTTP.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(
                response.statusCode(),
                response.headers().firstValue("content-type").orElse(""),
                response.body());
    }

    private static String json(Map<String, ?> value) throws IOException {
        return JSON.std.asString(value);
    }

    // --- Outbox, link, QR -------------------------------------------------------------------

    /** The one email with this subject sent to {@code to}. */
    private static Map<String, Object> onlyEmail(String to, String subject) throws Exception {
        Reply outbox = get("/dev/outbox", null);
        assertThat(outbox.status()).isEqualTo(200);
        List<Object> messages = JSON.std.listFrom(outbox.body());
        List<Map<String, Object>> matching = messages.stream()
                .map(m -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> message = (Map<String, Object>) m;
                    return message;
                })
                .filter(m -> to.equals(m.get("to")) && subject.equals(m.get("subject")))
                .toList();
        assertThat(matching).as("emails to %s with subject %s", to, subject).hasSize(1);
        Map<String, Object> email = matching.get(0);
        assertThat(email).containsEntry("channel", "email");
        assertThat(Instant.parse((String) email.get("sentAt")))
                .isBefore(Instant.now().plusSeconds(1));
        return email;
    }

    private static String linkIn(String body) {
        Matcher link = Pattern.compile("https?://\\S+").matcher(body);
        assertThat(link.find()).as("a link in: %s", body).isTrue();
        return link.group();
    }

    private static String queryParameter(String uri, String name) {
        String query = URI.create(uri).getRawQuery();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no " + name + " in " + uri);
    }

    private static String decodeQr(String dataUri) throws Exception {
        String prefix = "data:image/png;base64,";
        assertThat(dataUri).startsWith(prefix);
        byte[] png = Base64.getDecoder().decode(dataUri.substring(prefix.length()));
        var image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image).as("a PNG image").isNotNull();
        var bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
        return new QRCodeReader().decode(bitmap).getText();
    }
}
