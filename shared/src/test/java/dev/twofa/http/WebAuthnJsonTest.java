package dev.twofa.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofa.app.WebAuthnAuthenticationOptions;
import dev.twofa.app.WebAuthnRegistrationOptions;
import dev.twofa.app.api.TwoFactorException.InvalidRequest;
import dev.twofa.config.WebAuthnSettings;
import dev.twofa.config.WebAuthnSettings.UserVerification;
import dev.twofa.domain.webauthn.Ceremony;
import dev.twofa.domain.webauthn.WebAuthnChallenge;
import dev.twofa.domain.webauthn.WebAuthnCredential;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * WebAuthn L3's JSON, both ways: the options the browser is given, exactly, and what a
 * RegistrationResponseJSON or AuthenticationResponseJSON may be (shapes, types, sizes, base64url)
 * before anything is verified.
 */
class WebAuthnJsonTest {
    private static final String CHALLENGE = "c".repeat(43);
    private static final Instant CREATED = Instant.parse("2026-01-02T03:04:05Z");
    private static final String CLIENT_DATA = b64("{\"type\":\"webauthn.create\"}".getBytes(StandardCharsets.UTF_8));
    private static final String BAD = "The credential's %s must be base64url without padding.";

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] bytes(String base64url) {
        return Base64.getUrlDecoder().decode(base64url);
    }

    private static WebAuthnSettings settings(UserVerification uv) {
        return new WebAuthnSettings("example.com", "TwoFA", Set.of("https://example.com"), uv);
    }

    private static WebAuthnCredential credential(int slot, byte[] id, List<String> transports, Instant lastUsedAt) {
        return new WebAuthnCredential(
                slot,
                id,
                new byte[] {9},
                0,
                transports,
                new byte[16],
                true,
                false,
                true,
                "Key " + slot,
                CREATED,
                lastUsedAt);
    }

    /** A RegistrationResponseJSON as the browser's toJSON() makes it; mutable, to spoil. */
    private static Map<String, Object> registration() {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", CLIENT_DATA);
        response.put("attestationObject", "o2NmbXRkbm9uZQ");
        response.put("transports", new ArrayList<>(List.of("usb", "nfc")));
        response.put("authenticatorData", "AAAA");
        response.put("publicKey", "AAAA");
        response.put("publicKeyAlgorithm", -7);
        return envelope(response);
    }

    /** An AuthenticationResponseJSON; mutable, to spoil. */
    private static Map<String, Object> authentication() {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", CLIENT_DATA);
        response.put("authenticatorData", "SZYN5YgO");
        response.put("signature", "MEUCIQ");
        response.put("userHandle", "-_8");
        return envelope(response);
    }

    private static Map<String, Object> envelope(Map<String, Object> response) {
        Map<String, Object> credential = new LinkedHashMap<>();
        credential.put("id", "AQID");
        credential.put("rawId", "AQID");
        credential.put("type", "public-key");
        credential.put("response", response);
        credential.put("clientExtensionResults", Map.of());
        credential.put("authenticatorAttachment", "cross-platform");
        return credential;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> response(Map<String, Object> credential) {
        return (Map<String, Object>) credential.get("response");
    }

    private static InvalidRequest refusal(Runnable action) {
        try {
            action.run();
        } catch (InvalidRequest e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    private static String registrationRefused(Object value) {
        InvalidRequest e = refusal(() -> WebAuthnJson.registration(value, "credential"));
        assertThat(e.field()).isEqualTo("credential");
        return e.detail();
    }

    private static String authenticationRefused(Object value) {
        InvalidRequest e = refusal(() -> WebAuthnJson.authentication(value, "webauthn"));
        assertThat(e.field()).isEqualTo("webauthn");
        return e.detail();
    }

    @Test
    void creationOptions_areTheL3Json_exactly() {
        var options = new WebAuthnRegistrationOptions.Options(
                settings(UserVerification.PREFERRED),
                new WebAuthnChallenge("user-1", Ceremony.REGISTER, CHALLENGE, false, CREATED),
                new byte[] {(byte) 0xfb, (byte) 0xff},
                "ann@example.com",
                List.of(
                        credential(0, new byte[] {1, 2}, List.of("usb", "nfc"), null),
                        credential(1, new byte[] {3, 4}, List.of(), null)));
        assertThat(Json.write(WebAuthnJson.creationOptions(options)))
                .isEqualTo("{\"rp\":{\"id\":\"example.com\",\"name\":\"TwoFA\"},"
                        + "\"user\":{\"id\":\"-_8\",\"name\":\"ann@example.com\",\"displayName\":\"ann@example.com\"},"
                        + "\"challenge\":\"" + CHALLENGE + "\","
                        + "\"pubKeyCredParams\":[{\"type\":\"public-key\",\"alg\":-7},{\"type\":\"public-key\",\"alg\":-8},"
                        + "{\"type\":\"public-key\",\"alg\":-257}],"
                        + "\"timeout\":120000,"
                        + "\"excludeCredentials\":[{\"type\":\"public-key\",\"id\":\"AQI\",\"transports\":[\"usb\",\"nfc\"]},"
                        + "{\"type\":\"public-key\",\"id\":\"AwQ\"}],"
                        + "\"authenticatorSelection\":{\"residentKey\":\"preferred\",\"requireResidentKey\":false,"
                        + "\"userVerification\":\"preferred\"},"
                        + "\"attestation\":\"none\",\"extensions\":{\"credProps\":true}}");
    }

    @Test
    void requestOptions_areTheL3Json_exactly_andAnEmptyAllowListStaysAList() {
        var options = new WebAuthnAuthenticationOptions.Options(
                settings(UserVerification.REQUIRED),
                new WebAuthnChallenge("user-1", Ceremony.AUTHENTICATE, CHALLENGE, false, CREATED),
                List.of(credential(2, new byte[] {(byte) 0xff}, List.of("internal"), null)));
        assertThat(Json.write(WebAuthnJson.requestOptions(options)))
                .isEqualTo("{\"challenge\":\"" + CHALLENGE + "\",\"timeout\":120000,\"rpId\":\"example.com\","
                        + "\"allowCredentials\":[{\"type\":\"public-key\",\"id\":\"_w\",\"transports\":[\"internal\"]}],"
                        + "\"userVerification\":\"required\"}");
        var none = new WebAuthnAuthenticationOptions.Options(
                settings(UserVerification.DISCOURAGED),
                new WebAuthnChallenge("user-1", Ceremony.AUTHENTICATE, CHALLENGE, false, CREATED),
                List.of());
        assertThat(WebAuthnJson.requestOptions(none))
                .containsEntry("allowCredentials", List.of())
                .containsEntry("userVerification", "discouraged");
    }

    @Test
    void credentialView_showsNoKeyMaterial_andLeavesOutANeverUsedDate() {
        assertThat(Json.write(WebAuthnJson.credentialView(credential(0, new byte[] {1, 2}, List.of("usb"), null))))
                .isEqualTo("{\"id\":\"AQI\",\"name\":\"Key 0\",\"createdAt\":\"2026-01-02T03:04:05Z\","
                        + "\"transports\":[\"usb\"],\"aaguid\":\"00000000-0000-0000-0000-000000000000\","
                        + "\"backupEligible\":true,\"backedUp\":false}");
        assertThat(WebAuthnJson.credentialView(
                        credential(0, new byte[] {1, 2}, List.of(), Instant.parse("2026-02-03T04:05:06Z"))))
                .containsEntry("lastUsedAt", "2026-02-03T04:05:06Z")
                .containsEntry("transports", List.of())
                .doesNotContainKeys("publicKey", "signCount", "credentialId", "userVerified");
    }

    @Test
    void registration_isDecoded_withItsTransports() {
        var input = WebAuthnJson.registration(registration(), "credential");
        assertThat(input.credentialId()).containsExactly(1, 2, 3);
        assertThat(input.registration().clientDataJson())
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("{\"type\":\"webauthn.create\"}");
        assertThat(input.registration().attestationObject()).isEqualTo(bytes("o2NmbXRkbm9uZQ"));
        assertThat(input.registration().transports()).containsExactlyInAnyOrder("usb", "nfc");

        var bare = registration();
        response(bare).remove("transports");
        bare.remove("clientExtensionResults");
        bare.remove("authenticatorAttachment");
        assertThat(WebAuthnJson.registration(bare, "credential").registration().transports())
                .isEmpty();
    }

    @Test
    void transports_areAtMost8Strings_ofAtMost32Characters() {
        var eight = registration();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            names.add("t".repeat(32 - i));
        }
        response(eight).put("transports", names);
        assertThat(WebAuthnJson.registration(eight, "credential").registration().transports())
                .containsExactlyInAnyOrderElementsOf(names);

        List<Object> spoiled = new ArrayList<>();
        spoiled.add("usb,nfc");
        spoiled.add(List.of("t".repeat(9).split("")));
        spoiled.add(List.of("t".repeat(33)));
        spoiled.add(List.of(1));
        spoiled.add(Collections.singletonList(null));
        spoiled.add(Map.of("0", "usb"));
        for (Object transports : spoiled) {
            var credential = registration();
            response(credential).put("transports", transports);
            assertThat(registrationRefused(credential)).isEqualTo("The transports must be a list of strings.");
        }
    }

    @Test
    void aCredential_isAnObjectOfTheToJsonFields_ofTypePublicKey() {
        String notACredential = "The credential must be the credential's toJSON(): id, rawId, type, response.";
        var extra = registration();
        extra.put("userId", "someone-else");
        for (Object value : new Object[] {null, "AQID", List.of(registration()), extra}) {
            assertThat(registrationRefused(value)).isEqualTo(notACredential);
        }
        for (Object type : new Object[] {null, "Public-Key", "password", 1}) {
            var credential = registration();
            credential.put("type", type);
            assertThat(registrationRefused(credential)).isEqualTo("The credential's type must be \"public-key\".");
            assertThat(authenticationRefused(credential)).isEqualTo("The credential's type must be \"public-key\".");
        }
        var missingType = registration();
        missingType.remove("type");
        assertThat(registrationRefused(missingType)).isEqualTo("The credential's type must be \"public-key\".");
    }

    @Test
    void theResponse_isAnObject_ofThisCeremonysFieldsOnly() {
        String notThisCeremony = "The credential's response is not one of this ceremony.";
        // A sign-in's response is no registration, and the reverse.
        assertThat(registrationRefused(authentication())).isEqualTo(notThisCeremony);
        assertThat(authenticationRefused(registration())).isEqualTo(notThisCeremony);
        for (Object response : new Object[] {null, "o2NmbXRkbm9uZQ", List.of()}) {
            var credential = registration();
            credential.put("response", response);
            assertThat(registrationRefused(credential)).isEqualTo(notThisCeremony);
            assertThat(authenticationRefused(credential)).isEqualTo(notThisCeremony);
        }
        var extra = authentication();
        response(extra).put("counter", 0);
        assertThat(authenticationRefused(extra)).isEqualTo(notThisCeremony);
        var missing = registration();
        missing.remove("response");
        assertThat(registrationRefused(missing)).isEqualTo(notThisCeremony);
    }

    @Test
    void idAndRawId_areTheSameNonEmptyBase64url() {
        String mismatch = "The credential's id and rawId must be the same base64url value.";
        for (Object id : new Object[] {null, "AQIE", "AQID ", 1, List.of("AQID")}) {
            var credential = authentication();
            credential.put("id", id);
            assertThat(authenticationRefused(credential)).isEqualTo(mismatch);
        }
        var empty = authentication();
        empty.put("id", "");
        empty.put("rawId", "");
        assertThat(authenticationRefused(empty)).isEqualTo(mismatch);
        for (Object rawId : new Object[] {null, "AQID=", "AQ+/", "A", 3}) {
            var credential = registration();
            credential.put("id", rawId);
            credential.put("rawId", rawId);
            assertThat(registrationRefused(credential)).isEqualTo(BAD.formatted("rawId"));
        }
    }

    @Test
    void rawId_upTo1023Bytes_isTaken_oneCharacterMoreIsRefused() {
        String longest = b64(new byte[1023]);
        assertThat(longest).hasSize(1364);
        var credential = registration();
        credential.put("id", longest);
        credential.put("rawId", longest);
        assertThat(WebAuthnJson.registration(credential, "credential").credentialId())
                .hasSize(1023);
        credential.put("id", longest + "AA");
        credential.put("rawId", longest + "AA");
        assertThat(registrationRefused(credential)).isEqualTo(BAD.formatted("rawId"));
    }

    @Test
    void authentication_isDecoded_withOrWithoutAUserHandle() {
        var auth = WebAuthnJson.authentication(authentication(), "webauthn");
        assertThat(auth.credentialId()).containsExactly(1, 2, 3);
        assertThat(auth.clientDataJson()).isEqualTo(bytes(CLIENT_DATA));
        assertThat(auth.authenticatorData()).isEqualTo(bytes("SZYN5YgO"));
        assertThat(auth.signature()).isEqualTo(bytes("MEUCIQ"));
        assertThat(auth.userHandle()).containsExactly(0xfb, 0xff);

        var absent = authentication();
        response(absent).remove("userHandle");
        assertThat(WebAuthnJson.authentication(absent, "webauthn").userHandle()).isNull();
        var jsonNull = authentication();
        response(jsonNull).put("userHandle", null);
        assertThat(WebAuthnJson.authentication(jsonNull, "webauthn").userHandle())
                .isNull();
    }

    /** Each binary part at its limit, then one base64url quantum past it. */
    @Test
    void everyBinaryPart_upToItsLimit_isTaken_longerIsRefused() {
        record Part(boolean registration, String name, int maxChars) {}
        for (Part part : List.of(
                new Part(true, "clientDataJSON", 1400),
                new Part(true, "attestationObject", 3000),
                new Part(false, "clientDataJSON", 1400),
                new Part(false, "authenticatorData", 3000),
                new Part(false, "signature", 700),
                new Part(false, "userHandle", 86))) {
            String atLimit = "A".repeat(part.maxChars());
            var credential = part.registration() ? registration() : authentication();
            response(credential).put(part.name(), atLimit);
            if (part.registration()) {
                assertThat(WebAuthnJson.registration(credential, "credential")).isNotNull();
            } else {
                assertThat(WebAuthnJson.authentication(credential, "webauthn")).isNotNull();
            }
            for (String over : new String[] {atLimit + "A", atLimit + "AA"}) {
                response(credential).put(part.name(), over);
                String detail =
                        part.registration() ? registrationRefused(credential) : authenticationRefused(credential);
                assertThat(detail).as(part.name()).isEqualTo(BAD.formatted(part.name()));
            }
        }
    }

    @Test
    void binaryParts_mustBeBase64urlStrings_withoutPaddingOrTheStandardAlphabet() {
        Object[] spoiled = {
            "AQID=", "AQ==", "AQ+/", "AQ/D", "AQ ID", "AQID\n", "AQIDB", "A", "é", 7, List.of("AQID"), Map.of(), true
        };
        for (String name : new String[] {"clientDataJSON", "authenticatorData", "signature", "userHandle"}) {
            for (Object value : spoiled) {
                var credential = authentication();
                response(credential).put(name, value);
                assertThat(authenticationRefused(credential))
                        .as(name + " " + value)
                        .isEqualTo(BAD.formatted(name));
            }
            var missing = authentication();
            if (!name.equals("userHandle")) {
                response(missing).remove(name);
                assertThat(authenticationRefused(missing)).isEqualTo(BAD.formatted(name));
            }
        }
        for (String name : new String[] {"clientDataJSON", "attestationObject"}) {
            for (Object value : spoiled) {
                var credential = registration();
                response(credential).put(name, value);
                assertThat(registrationRefused(credential))
                        .as(name + " " + value)
                        .isEqualTo(BAD.formatted(name));
            }
        }
    }
}
