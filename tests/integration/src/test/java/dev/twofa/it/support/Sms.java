package dev.twofa.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Drives the SMS handlers and reads the texts back from the SNS emulator. */
public final class Sms {
    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");

    private Sms() {}

    public static APIGatewayV2HTTPResponse send(TestApp app, String userId, String purpose, String phone) {
        Map<String, Object> body = new HashMap<>();
        body.put("purpose", purpose);
        if (phone != null) {
            body.put("phoneNumber", phone);
        }
        return app.smsSend().handleRequest(Api.request("POST /2fa/sms/send", userId, Api.json(body)), null);
    }

    public static APIGatewayV2HTTPResponse confirm(TestApp app, String userId, String purpose, String code) {
        return app.smsConfirm()
                .handleRequest(
                        Api.request(
                                "POST /2fa/sms/confirm", userId, Api.json(Map.of("purpose", purpose, "code", code))),
                        null);
    }

    /** The code of the newest SMS the emulator received for {@code e164}. */
    public static String lastCode(String e164) {
        List<Emulators.SentSms> texts = Emulators.sentSmsTo(e164);
        assertThat(texts).as("SMS sent to " + e164).isNotEmpty();
        String message = texts.getLast().message();
        Matcher m = CODE.matcher(message);
        assertThat(m.find()).as(message).isTrue();
        return m.group(1);
    }

    public static int count(String e164) {
        return Emulators.sentSmsTo(e164).size();
    }

    /** Sends and confirms, asserting success; returns nothing but leaves SMS on for the user. */
    public static void enable(TestApp app, String userId, String e164) {
        enable(app, userId, e164, Map.of());
    }

    /**
     * The same for an account that already has a factor: {@code proof} is the step-up proof sent with
     * the enable request, e.g. {@code Map.of("recoveryCode", …)}.
     */
    public static void enable(TestApp app, String userId, String e164, Map<String, String> proof) {
        Map<String, Object> body = new HashMap<>(proof);
        body.put("purpose", "enable");
        body.put("phoneNumber", e164);
        APIGatewayV2HTTPResponse sent =
                app.smsSend().handleRequest(Api.request("POST /2fa/sms/send", userId, Api.json(body)), null);
        assertThat(sent.getStatusCode()).as(sent.getBody()).isEqualTo(202);
        APIGatewayV2HTTPResponse confirmed = confirm(app, userId, "enable", lastCode(e164));
        assertThat(confirmed.getStatusCode()).as(confirmed.getBody()).isEqualTo(200);
    }

    /**
     * A fresh, valid mobile number in {@code country} (DK, GB, SE, DE or US), unique enough; never
     * ending in 99 (moto's opted-out numbers).
     */
    public static String uniqueMobile(String country) {
        var random = java.util.concurrent.ThreadLocalRandom.current();
        String lastTwo = String.format("%02d", random.nextInt(99));
        return switch (country) {
            case "DK" -> uniqueDanishMobile();
            case "GB" -> "+447400" + String.format("%04d", random.nextInt(10_000)) + lastTwo;
            case "SE" -> "+4670" + String.format("%05d", random.nextInt(100_000)) + lastTwo;
            case "DE" -> "+49151" + String.format("%06d", random.nextInt(1_000_000)) + lastTwo;
            case "US" -> "+1650253" + String.format("%02d", random.nextInt(100)) + lastTwo;
            default -> throw new IllegalArgumentException("no mobile range for " + country);
        };
    }

    private static final java.util.concurrent.atomic.AtomicInteger NEXT_MOBILE =
            new java.util.concurrent.atomic.AtomicInteger(
                    java.util.concurrent.ThreadLocalRandom.current().nextInt(9 * 1000 * 99));

    /** A fresh, valid mobile number per call (Danish mobile range 20 xx xx xx), never the same twice here. */
    public static String uniqueDanishMobile() {
        // Unique within this JVM: a number drawn twice shares its send history with the other test (a
        // 429 where a send was expected; the fault matrix's hundreds of numbers met that). A random
        // start keeps separate JVMs on one table apart too.
        // Never ending in 99: moto reports such numbers as opted out of SMS.
        // +45 20 0x xx xx is not an allocated range (libphonenumber refuses it): the fifth digit is 1-9.
        int n = Math.floorMod(NEXT_MOBILE.getAndIncrement(), 9 * 1000 * 99);
        return "+4520" + (1 + n / (1000 * 99)) + "%03d".formatted(n / 99 % 1000) + "%02d".formatted(n % 99);
    }
}
