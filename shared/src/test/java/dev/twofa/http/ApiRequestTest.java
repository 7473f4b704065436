package dev.twofa.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twofa.app.api.Credential;
import dev.twofa.app.api.TwoFactorException.InvalidRequest;
import dev.twofa.app.api.TwoFactorException.PayloadTooLarge;
import dev.twofa.app.api.TwoFactorException.Unauthenticated;
import dev.twofa.domain.sms.SmsPurpose;
import dev.twofa.testing.ApiEvents;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The edges of what {@link ApiRequest} accepts: lengths, types, claims and the one-proof rules. */
class ApiRequestTest {

    private static ApiRequest body(String json) {
        return new ApiRequest(ApiEvents.route("POST /2fa/verify").body(json).build());
    }

    private static ApiRequest withClaims(Map<String, String> claims, String sourceIp, String userAgent) {
        return new ApiRequest(ApiEvents.route("POST /2fa/verify")
                .claims(claims)
                .client(sourceIp, userAgent)
                .build());
    }

    private static ApiRequest operator(String arn, String requestId) {
        return new ApiRequest(ApiEvents.route("POST /operator/support-reset")
                .caller(arn)
                .requestId(requestId)
                .build());
    }

    /** An oversized body is its own refusal (413 payload-too-large), not an invalid request. */
    private static PayloadTooLarge tooLarge(Runnable action) {
        try {
            action.run();
        } catch (PayloadTooLarge e) {
            return e;
        }
        throw new AssertionError("not refused as too large");
    }

    private static InvalidRequest refusal(Runnable action) {
        try {
            action.run();
        } catch (InvalidRequest e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    @Test
    void sub_upTo256Characters_isTheUser_longerOrBlankIsUnauthenticated() {
        assertThat(withClaims(Map.of("sub", "u".repeat(256)), null, null)
                        .principal()
                        .userId())
                .hasSize(256);
        for (String sub : new String[] {"u".repeat(257), " ", ""}) {
            assertThatThrownBy(() -> withClaims(Map.of("sub", sub), null, null).principal())
                    .isInstanceOf(Unauthenticated.class);
        }
    }

    @Test
    void email_isUsedOnlyWhenTheProviderVerifiedIt() {
        var verified = withClaims(
                        Map.of("sub", "u", "email", "a@example.com", "email_verified", "TRUE", "org_id", "acme"),
                        "203.0.113.1",
                        "ua")
                .principal();
        assertThat(verified.emailAddress()).contains("a@example.com");
        assertThat(verified.organisation()).contains("acme");
        assertThat(verified.sourceIp()).isEqualTo("203.0.113.1");
        assertThat(verified.userAgent()).isEqualTo("ua");

        for (String flag : new String[] {"false", "yes", ""}) {
            assertThat(withClaims(Map.of("sub", "u", "email", "a@example.com", "email_verified", flag), null, null)
                            .principal()
                            .emailAddress())
                    .isEmpty();
        }
        assertThat(withClaims(Map.of("sub", "u", "email", "a@example.com"), null, null)
                        .principal()
                        .emailAddress())
                .isEmpty();
    }

    @Test
    void userAgent_isCutAt256Characters() {
        assertThat(withClaims(Map.of("sub", "u"), null, "a".repeat(256))
                        .principal()
                        .userAgent())
                .hasSize(256);
        assertThat(withClaims(Map.of("sub", "u"), null, "a".repeat(300))
                        .principal()
                        .userAgent())
                .isEqualTo("a".repeat(256));
    }

    @Test
    void operator_arnUpTo2048_withTheRequestId_orUnknown() {
        String arn = "arn:aws:iam::123456789012:user/" + "x".repeat(2048 - 31);
        assertThat(arn).hasSize(2048);
        assertThat(operator(arn, "r-1").operator().arn()).isEqualTo(arn);
        assertThat(operator(arn, "r-1").operator().requestId()).isEqualTo("r-1");
        assertThat(operator(arn, " ").operator().requestId()).isEqualTo("unknown");
        assertThat(operator(arn, null).operator().requestId()).isEqualTo("unknown");
        assertThatThrownBy(() -> operator(arn + "x", "r").operator()).isInstanceOf(Unauthenticated.class);
        assertThatThrownBy(() -> operator("aws:iam::1:user/x", "r").operator()).isInstanceOf(Unauthenticated.class);
    }

    @Test
    void strings_upToTheirLimit_areAccepted_longerOnesAndOtherTypesRefused() {
        assertThat(body("{\"f\":\"abcd\"}").requiredString("f", 4)).isEqualTo("abcd");
        assertThat(refusal(() -> body("{\"f\":\"abcde\"}").requiredString("f", 4))
                        .detail())
                .isEqualTo("The field \"f\" is too long.");
        assertThat(refusal(() -> body("{\"f\":1}").requiredString("f", 4)).detail())
                .isEqualTo("The field \"f\" must be a string.");
        var missing = refusal(() -> body("{}").requiredString("f", 4));
        assertThat(missing.field()).isEqualTo("f");
        assertThat(missing.detail()).isEqualTo("The field \"f\" is required.");
        assertThat(body("{}").optionalString("f", 4)).isEmpty();
    }

    @Test
    void booleans_mustBeJsonBooleans() {
        assertThat(body("{\"b\":true}").requiredBoolean("b")).isTrue();
        assertThat(body("{\"b\":false}").requiredBoolean("b")).isFalse();
        for (String json : new String[] {"{\"b\":\"true\"}", "{\"b\":1}", "{}"}) {
            assertThat(refusal(() -> body(json).requiredBoolean("b")).detail())
                    .isEqualTo("The field \"b\" must be true or false.");
        }
    }

    private static ApiRequest query(Map<String, String> params) {
        return new ApiRequest(ApiEvents.route("GET /2fa/activity").query(params).build());
    }

    @Test
    void queryParameters_absentOrEmpty_areEmpty_tooLongOrNotANumber_refused() {
        assertThat(query(null).query("limit", 6)).isEmpty();
        assertThat(query(Map.of("limit", "")).query("limit", 6)).isEmpty();
        assertThat(query(Map.of("limit", "abcdef")).query("limit", 6)).contains("abcdef");
        assertThat(refusal(() -> query(Map.of("limit", "abcdefg")).query("limit", 6))
                        .detail())
                .isEqualTo("The parameter \"limit\" is too long.");
        assertThat(query(Map.of("limit", "20")).queryInt("limit", 5)).isEqualTo(20);
        assertThat(query(new HashMap<>()).queryInt("limit", 5)).isEqualTo(5);
        assertThat(refusal(() -> query(Map.of("limit", "2x")).queryInt("limit", 5))
                        .detail())
                .isEqualTo("The parameter \"limit\" must be a whole number.");
    }

    @Test
    void smsPurpose_isOneOfThree() {
        assertThat(body("{\"purpose\":\"login\"}").smsPurpose()).isEqualTo(SmsPurpose.LOGIN);
        assertThat(refusal(() -> body("{\"purpose\":\"LOGIN\"}").smsPurpose()).field())
                .isEqualTo("purpose");
    }

    @Test
    void proof_isAtMostOne_ofCodeRecoveryCodeOrAssertion() {
        assertThat(new ApiRequest(ApiEvents.route("POST /2fa/verify").build()).proof())
                .isEmpty();
        assertThat(body(" ").proof()).isEmpty();
        assertThat(body("{}").proof()).isEmpty();
        assertThat(body("{\"code\":\"123 456\"}").proof()).contains(new Credential.TotpCode("123456"));
        assertThat(body("{\"recoveryCode\":\"abcd-efgh-jkmn\"}").proof())
                .contains(new Credential.RecoveryCode("ABCDEFGHJKMN"));
        assertThat(body("{\"assertion\":\"a.b.c\"}").proof()).contains(new Credential.SignInAssertion("a.b.c"));
        for (String json : new String[] {
            "{\"code\":\"123456\",\"assertion\":\"a.b.c\"}",
            "{\"recoveryCode\":\"ABCD-EFGH-JKMN\",\"assertion\":\"a.b.c\"}",
            "{\"code\":\"123456\",\"recoveryCode\":\"ABCD-EFGH-JKMN\"}"
        }) {
            assertThat(refusal(() -> body(json).proof()).detail())
                    .isEqualTo("Send one proof: \"code\", \"recoveryCode\" or \"assertion\", not several.");
        }
        assertThat(body("{\"assertion\":\"" + "a".repeat(ApiRequest.MAX_ASSERTION_LENGTH) + "\"}")
                        .proof())
                .isPresent();
        assertThat(refusal(() -> body("{\"assertion\":\"" + "a".repeat(ApiRequest.MAX_ASSERTION_LENGTH + 1) + "\"}")
                                .proof())
                        .field())
                .isEqualTo("assertion");
    }

    @Test
    void otherProof_isARecoveryCodeOrAnAssertion_neverBesideAnSmsCode() {
        assertThat(body("{\"code\":\"123456\"}").otherProof()).isEmpty();
        assertThat(body("{\"assertion\":\"a.b.c\"}").otherProof()).contains(new Credential.SignInAssertion("a.b.c"));
        assertThat(body("{\"recoveryCode\":\"ABCD-EFGH-JKMN\"}").otherProof())
                .contains(new Credential.RecoveryCode("ABCDEFGHJKMN"));
        for (String json :
                new String[] {"{\"code\":\"123456\",\"assertion\":\"a\"}", "{\"code\":\"1\",\"recoveryCode\":\"x\"}"}) {
            assertThat(refusal(() -> body(json).otherProof()).detail())
                    .isEqualTo(
                            "Send the SMS \"code\", or another proof (\"recoveryCode\" or \"assertion\"), not both.");
        }
    }

    @Test
    void credential_isExactlyOne_andARecoveryCodeMustBeOne() {
        assertThat(refusal(() -> body("{}").credential()).detail())
                .isEqualTo("Send either \"code\" or \"recoveryCode\", not both or neither.");
        var notACode =
                refusal(() -> body("{\"recoveryCode\":\"ABCD-EFGH-JKM\"}").credential());
        assertThat(notACode.field()).isEqualTo("recoveryCode");
        assertThat(notACode.detail()).isEqualTo("A recovery code has 12 letters and digits, like ABCD-EFGH-JKMN.");
        assertThat(refusal(() -> body("{\"recoveryCode\":\"ABCD-EFGH-JKMN\\u0000\"}")
                                .credential())
                        .field())
                .isEqualTo("recoveryCode");
    }

    @Test
    void nonce_isOneTo128PrintableAsciiCharacters() {
        assertThat(body("{}").nonce()).isEmpty();
        assertThat(body("{\"nonce\":\"" + "n".repeat(128) + "\"}").nonce()).contains("n".repeat(128));
        assertThat(body("{\"nonce\":\"!~\"}").nonce()).contains("!~");
        for (String nonce : new String[] {"", "a b", "\\u007f", "\\u00e9", "n".repeat(129)}) {
            assertThat(refusal(() -> body("{\"nonce\":\"" + nonce + "\"}").nonce())
                            .field())
                    .isEqualTo("nonce");
        }
    }

    @Test
    void optionalBoolean_absentIsFalse_anyOtherTypeRefused() {
        assertThat(body("{}").optionalBoolean("b")).isFalse();
        assertThat(body("{\"b\":true}").optionalBoolean("b")).isTrue();
        assertThat(body("{\"b\":false}").optionalBoolean("b")).isFalse();
        for (String json : new String[] {"{\"b\":null}", "{\"b\":\"false\"}", "{\"b\":0}", "{\"b\":[]}"}) {
            var refused = refusal(() -> body(json).optionalBoolean("b"));
            assertThat(refused.field()).isEqualTo("b");
            assertThat(refused.detail()).isEqualTo("The field \"b\" must be true or false.");
        }
    }

    private static final String DEVICE_ID = "07" + "A".repeat(22);
    private static final String DEVICE_CHALLENGE = "c".repeat(43);
    private static final String SIGNATURE = "_".repeat(85) + "w";

    private static String device(Object id, Object challenge, Object signature) {
        return "{\"device\":{\"id\":" + Json.write(id) + ",\"challenge\":" + Json.write(challenge) + ",\"signature\":"
                + Json.write(signature) + "}}";
    }

    @Test
    void deviceProof_isTheIssuedIdAndChallenge_andA64ByteSignature() {
        assertThat(body("{}").deviceProof()).isEmpty();
        assertThat(body("{\"code\":\"123456\"}").deviceProof()).isEmpty();
        var proof = body(device(DEVICE_ID, DEVICE_CHALLENGE, SIGNATURE))
                .deviceProof()
                .orElseThrow();
        assertThat(proof.deviceId()).isEqualTo(DEVICE_ID);
        assertThat(proof.challenge()).isEqualTo(DEVICE_CHALLENGE);
        assertThat(proof.signature())
                .hasSize(64)
                .isEqualTo(Base64.getUrlDecoder().decode(SIGNATURE));
        assertThat(proof.signature()[0]).isEqualTo((byte) 0xff);
        // The last issuable slot (19) is taken.
        assertThat(body(device("19" + "A".repeat(22), DEVICE_CHALLENGE, SIGNATURE))
                        .deviceProof())
                .isPresent();
    }

    @Test
    void deviceProof_notAnObjectOfItsThreeFields_isRefused() {
        String notAnObject = "The device must be an object of id, challenge and signature.";
        for (String json : new String[] {
            "{\"device\":null}",
            "{\"device\":\"" + DEVICE_ID + "\"}",
            "{\"device\":[]}",
            "{\"device\":{\"id\":\"" + DEVICE_ID + "\",\"challenge\":\"" + DEVICE_CHALLENGE + "\",\"signature\":\""
                    + SIGNATURE + "\",\"userId\":\"someone-else\"}}"
        }) {
            var refused = refusal(() -> body(json).deviceProof());
            assertThat(refused.field()).isEqualTo("device");
            assertThat(refused.detail()).isEqualTo(notAnObject);
        }
    }

    @Test
    void deviceProof_anIdChallengeOrSignatureNotAsIssued_isRefused() {
        for (Object id : new Object[] {
            null,
            7,
            "20" + "A".repeat(22),
            "07" + "A".repeat(21),
            "07" + "A".repeat(23),
            "7" + "A".repeat(23),
            "07" + "A".repeat(21) + "="
        }) {
            var refused =
                    refusal(() -> body(device(id, DEVICE_CHALLENGE, SIGNATURE)).deviceProof());
            assertThat(refused.field()).isEqualTo("device");
            assertThat(refused.detail()).isEqualTo("The device id is not one this service issued.");
        }
        assertThat(refusal(() -> body("{\"device\":{\"challenge\":\"" + DEVICE_CHALLENGE + "\",\"signature\":\""
                                        + SIGNATURE + "\"}}")
                                .deviceProof())
                        .detail())
                .isEqualTo("The device id is not one this service issued.");
        for (Object challenge : new Object[] {null, 43, "c".repeat(42), "c".repeat(44), "c".repeat(42) + "+"}) {
            var refused =
                    refusal(() -> body(device(DEVICE_ID, challenge, SIGNATURE)).deviceProof());
            assertThat(refused.field()).isEqualTo("device");
            assertThat(refused.detail()).isEqualTo("The challenge is not one this service issued.");
        }
        for (Object signature : new Object[] {
            null,
            64,
            "_".repeat(85),
            "_".repeat(87),
            "_".repeat(84) + "==",
            "+".repeat(86),
            "/".repeat(86),
            "_".repeat(85) + " ",
            "é".repeat(86)
        }) {
            var refused = refusal(
                    () -> body(device(DEVICE_ID, DEVICE_CHALLENGE, signature)).deviceProof());
            assertThat(refused.field()).isEqualTo("device");
            assertThat(refused.detail()).isEqualTo("The signature must be 64 bytes (r and s) in base64url.");
        }
    }

    @Test
    void optionalObject_isAnObjectWhenPresent_anythingElseRefused() {
        assertThat(body("{}").optionalObject("webauthn")).isEmpty();
        assertThat(body("{\"webauthn\":{\"id\":\"AQID\",\"n\":[1]}}").optionalObject("webauthn"))
                .contains(Map.of("id", "AQID", "n", java.util.List.of(1)));
        assertThat(body("{\"webauthn\":{}}").optionalObject("webauthn")).contains(Map.of());
        for (String value : new String[] {"null", "\"{}\"", "[]", "[{}]", "1", "true"}) {
            var refused = refusal(() -> body("{\"webauthn\":" + value + "}").optionalObject("webauthn"));
            assertThat(refused.field()).isEqualTo("webauthn");
            assertThat(refused.detail()).isEqualTo("The field \"webauthn\" must be an object.");
        }
    }

    @Test
    void base64url_isDecoded_upToItsLimit_paddingStandardAlphabetAndAFiveCharacterQuantumRefused() {
        assertThat(body("{\"publicKey\":\"-_8\"}").base64url("publicKey", 8)).containsExactly(0xfb, 0xff);
        assertThat(body("{\"publicKey\":\"AAAAAAAA\"}").base64url("publicKey", 8))
                .hasSize(6);
        String notBase64url = "The field \"publicKey\" must be base64url without padding.";
        for (String value : new String[] {"", "-_8=", "AA==", "+/8", "A", "AAAAA", "AA AA", "é"}) {
            var refused =
                    refusal(() -> body("{\"publicKey\":\"" + value + "\"}").base64url("publicKey", 8));
            assertThat(refused.field()).isEqualTo("publicKey");
            assertThat(refused.detail()).as(value).isEqualTo(notBase64url);
        }
        assertThat(refusal(() -> body("{\"publicKey\":\"AAAAAAAAA\"}").base64url("publicKey", 8))
                        .detail())
                .isEqualTo("The field \"publicKey\" is too long.");
        assertThat(refusal(() -> body("{}").base64url("publicKey", 8)).detail())
                .isEqualTo("The field \"publicKey\" is required.");
        assertThat(refusal(() -> body("{\"publicKey\":[\"AQID\"]}").base64url("publicKey", 8))
                        .detail())
                .isEqualTo("The field \"publicKey\" must be a string.");
    }

    @Test
    void bodySize_isCountedInUtf8Bytes_after_base64Decoding() {
        String padding = "x".repeat(ApiRequest.MAX_BODY_BYTES - "{\"f\":\"\"}".length());
        String exactlyMax = "{\"f\":\"" + padding + "\"}";
        assertThat(exactlyMax.getBytes(StandardCharsets.UTF_8)).hasSize(ApiRequest.MAX_BODY_BYTES);
        assertThat(body(exactlyMax).optionalString("f", 5000)).contains(padding);

        String oneOver = "{\"f\":\"" + padding + "y\"}";
        assertThat(tooLarge(() -> body(oneOver).optionalString("f", 5000)).limitBytes())
                .isEqualTo(ApiRequest.MAX_BODY_BYTES);
        // Two bytes per character in UTF-8: half as many characters are already too many bytes.
        String wide = "{\"f\":\"" + "\u00e9".repeat(ApiRequest.MAX_BODY_BYTES / 2) + "\"}";
        assertThat(tooLarge(() -> body(wide).optionalString("f", 5000)).limitBytes())
                .isEqualTo(ApiRequest.MAX_BODY_BYTES);
        // Far too long is refused before anything is decoded.
        String huge = "x".repeat(ApiRequest.MAX_BODY_BYTES * 2 + 1);
        assertThat(tooLarge(() -> base64(huge, false).optionalString("f", 5)).limitBytes())
                .isEqualTo(ApiRequest.MAX_BODY_BYTES);
        String base64Max = Base64.getEncoder().encodeToString(exactlyMax.getBytes(StandardCharsets.UTF_8));
        assertThat(base64Max.length()).isLessThanOrEqualTo(ApiRequest.MAX_BODY_BYTES * 2);
        assertThat(base64(base64Max, true).optionalString("f", 5000)).contains(padding);
        assertThat(refusal(() -> base64("{not base64}", true).optionalString("f", 5))
                        .detail())
                .isEqualTo("The request body is not valid base64.");
        // Exactly twice the limit in characters is still read (here: not base64); one more is too large unread.
        String twice = "!".repeat(ApiRequest.MAX_BODY_BYTES * 2);
        assertThat(refusal(() -> base64(twice, true).optionalString("f", 5)).detail())
                .isEqualTo("The request body is not valid base64.");
        assertThat(tooLarge(() -> base64(twice + "!", true).optionalString("f", 5))
                        .limitBytes())
                .isEqualTo(ApiRequest.MAX_BODY_BYTES);
    }

    private static ApiRequest base64(String body, boolean encoded) {
        var event = ApiEvents.route("POST /2fa/verify");
        return new ApiRequest((encoded ? event.base64Body(body) : event.body(body)).build());
    }

    @Test
    void theBody_isParsedOnce() {
        var request = body("{\"a\":\"1\",\"b\":\"2\"}");
        assertThat(request.optionalString("a", 1)).isEqualTo(Optional.of("1"));
        assertThat(request.optionalString("b", 1)).isEqualTo(Optional.of("2"));
        assertThat(refusal(() -> body("").optionalString("a", 1)).detail())
                .isEqualTo("The request needs a JSON object body.");
        assertThat(refusal(() -> body("[]").optionalString("a", 1)).detail())
                .isEqualTo("The request body is not a JSON object.");
    }
}
