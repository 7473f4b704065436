package dev.twofa.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The local run over plain HTTP: the dev endpoints, and the API for setting a user up quickly. */
final class LocalRunClient {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern SIX_DIGITS = Pattern.compile("\\b(\\d{6})\\b");

    private final URI baseUrl;

    LocalRunClient(URI baseUrl) {
        this.baseUrl = baseUrl;
    }

    String devToken(String sub, String email) throws Exception {
        return devToken(sub, email, Map.of());
    }

    /** A token with {@code more} claims besides {@code sub} and {@code email} (e.g. {@code email_verified}). */
    String devToken(String sub, String email, Map<String, ?> more) throws Exception {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", sub);
        claims.put("email", email);
        claims.putAll(more);
        HttpResponse<String> response = send("POST", "/dev/token", null, JSON.std.asString(claims));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return (String) JSON.std.mapFrom(response.body()).get("token");
    }

    Map<String, Object> post(String path, String token, Map<String, ?> body) throws Exception {
        HttpResponse<String> response = send("POST", path, token, body == null ? "" : JSON.std.asString(body));
        assertThat(response.statusCode()).as(path + ": " + response.body()).isBetween(200, 299);
        return JSON.std.mapFrom(response.body());
    }

    Map<String, Object> get(String path, String token) throws Exception {
        HttpResponse<String> response = send("GET", path, token, null);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.std.mapFrom(response.body());
    }

    /** Everything the local run has "sent", newest first. */
    List<Map<String, Object>> outbox() throws Exception {
        HttpResponse<String> response = send("GET", "/dev/outbox", null, null);
        assertThat(response.statusCode()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> messages = (List<Map<String, Object>>) (List<?>) JSON.std.listFrom(response.body());
        return messages;
    }

    List<Map<String, Object>> messagesTo(String to) throws Exception {
        return outbox().stream().filter(m -> to.equals(m.get("to"))).toList();
    }

    /** The activation link in the newest email to {@code email}. */
    String activationLink(String email) throws Exception {
        for (Map<String, Object> message : messagesTo(email)) {
            if ("Activate two-factor authentication".equals(message.get("subject"))) {
                Matcher link = Pattern.compile("https?://\\S+").matcher((String) message.get("body"));
                assertThat(link.find()).isTrue();
                return link.group();
            }
        }
        throw new AssertionError("no activation email to " + email);
    }

    /** The code in the newest SMS to {@code e164}, once more than {@code before} have gone there. */
    String awaitSmsCode(String e164, int before) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<Map<String, Object>> sms = messagesTo(e164).stream()
                    .filter(m -> "sms".equals(m.get("channel")))
                    .toList();
            if (sms.size() > before) {
                Matcher code = SIX_DIGITS.matcher((String) sms.get(0).get("body"));
                assertThat(code.find()).as((String) sms.get(0).get("body")).isTrue();
                return code.group(1);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no new SMS to " + e164 + " (" + sms.size() + " so far)");
            }
            Thread.sleep(100);
        }
    }

    int smsCount(String e164) throws Exception {
        return (int) messagesTo(e164).stream()
                .filter(m -> "sms".equals(m.get("channel")))
                .count();
    }

    HttpResponse<String> send(String method, String path, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(20))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
