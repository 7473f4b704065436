package dev.twofa.app.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.config.AssertionSettings;
import dev.twofa.port.AssertionSigner;
import dev.twofa.port.PublishedKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The claims a step-up proof must carry, each checked on a token that really carries our
 * signature: what a forger cannot make, a bug could still accept. Tokens are signed here with the
 * key the verifier trusts, so every refusal below is the claim's check, not the signature's.
 */
class AssertionVerifierTest {
    private static final AssertionSettings SETTINGS =
            new AssertionSettings("https://2fa.test", "app.test", Duration.ofMinutes(5));
    private static final Instant NOW = Instant.parse("2026-12-02T06:00:00Z");
    private static final String USER = "user-1";

    private final KeyPair keys = p256();
    private final PublishedKey published = PublishedKey.of((ECPublicKey) keys.getPublic());
    private final AssertionSigner signer = new AssertionSigner() {
        @Override
        public SigningKey signingKey() {
            return new SigningKey() {
                @Override
                public String kid() {
                    return published.kid();
                }

                @Override
                public byte[] sign(byte[] input) {
                    try {
                        Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
                        es256.initSign(keys.getPrivate());
                        es256.update(input);
                        return es256.sign();
                    } catch (GeneralSecurityException e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
        }

        @Override
        public List<PublishedKey> publishedKeys() {
            return List.of(published);
        }
    };
    private final AssertionVerifier verifier = new AssertionVerifier(signer, SETTINGS);

    private static KeyPair p256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, Object> claims() {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", SETTINGS.issuer());
        claims.put("aud", SETTINGS.audience());
        claims.put("sub", USER);
        claims.put("jti", "abcdefghijklmnop");
        claims.put("iat", NOW.getEpochSecond());
        claims.put("exp", NOW.plusSeconds(300).getEpochSecond());
        return claims;
    }

    private String signed(Map<String, Object> claims) {
        try {
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            Map<String, Object> header = Map.of("alg", "ES256", "typ", AssertionIssuer.TYPE, "kid", published.kid());
            String input =
                    b64.encodeToString(JSON.std.asBytes(header)) + "." + b64.encodeToString(JSON.std.asBytes(claims));
            byte[] signature = signer.signingKey().sign(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64.encodeToString(signature);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean accepted(Map<String, Object> claims) {
        return verifier.check(USER, signed(claims), NOW).isPresent();
    }

    @Test
    void ourOwnToken_isAccepted_withItsIdAndExpiry() {
        assertThat(verifier.check(USER, signed(claims()), NOW))
                .hasValue(new AssertionVerifier.Spendable("abcdefghijklmnop", NOW.plusSeconds(300)));
    }

    @Test
    void anAudienceList_isAcceptedOnlyWhenItNamesUs() {
        Map<String, Object> both = claims();
        both.put("aud", List.of("other.test", SETTINGS.audience()));
        Map<String, Object> others = claims();
        others.put("aud", List.of("other.test", "app.test.evil"));

        assertThat(accepted(both)).isTrue();
        assertThat(accepted(others)).isFalse();
    }

    @Test
    void everyClaim_isChecked() {
        Map<String, Object> issuer = claims();
        issuer.put("iss", "https://evil.test");
        Map<String, Object> audience = claims();
        audience.put("aud", "other.test");
        Map<String, Object> subject = claims();
        subject.put("sub", "user-2");
        Map<String, Object> shortId = claims();
        shortId.put("jti", "short");
        Map<String, Object> noIssuedAt = claims();
        noIssuedAt.remove("iat");
        Map<String, Object> noExpiry = claims();
        noExpiry.remove("exp");
        Map<String, Object> stale = claims();
        stale.put("iat", NOW.minus(AssertionVerifier.MAX_AGE).minusSeconds(1).getEpochSecond());
        Map<String, Object> future = claims();
        future.put("iat", NOW.plusSeconds(31).getEpochSecond());
        Map<String, Object> expired = claims();
        expired.put("exp", NOW.getEpochSecond());

        for (Map<String, Object> refused :
                List.of(issuer, audience, subject, shortId, noIssuedAt, noExpiry, stale, future, expired)) {
            assertThat(accepted(refused)).as(refused.toString()).isFalse();
        }
    }

    @Test
    void theEdgesOfFreshness_areAccepted() {
        Map<String, Object> oldest = claims();
        oldest.put("iat", NOW.minus(AssertionVerifier.MAX_AGE).getEpochSecond());
        Map<String, Object> skewed = claims();
        skewed.put("iat", NOW.plusSeconds(30).getEpochSecond());

        assertThat(accepted(oldest)).isTrue();
        assertThat(accepted(skewed)).isTrue();
    }

    @Test
    void aTamperedPayload_orAnotherHeader_isRefused() {
        String token = signed(claims());
        String[] parts = token.split("\\.");
        Map<String, Object> other = claims();
        other.put("sub", "user-2");
        String otherPayload = signed(other).split("\\.")[1];

        assertThat(verifier.check(USER, parts[0] + "." + otherPayload + "." + parts[2], NOW))
                .isEmpty();
        assertThat(verifier.check(USER, token + ".x", NOW)).isEmpty();
        assertThat(verifier.check(USER, "not a token", NOW)).isEmpty();
    }

    @Test
    void aRememberedDevicesAssertion_isNeverAStepUpProof_byItsAmrOrItsClaim() {
        Map<String, Object> code = claims();
        code.put("amr", List.of("otp"));
        Map<String, Object> deviceAmr = claims();
        deviceAmr.put("amr", List.of(AssertionIssuer.REMEMBERED_DEVICE_AMR));
        Map<String, Object> deviceClaim = claims();
        deviceClaim.put("amr", List.of("otp"));
        deviceClaim.put(AssertionIssuer.REMEMBERED_DEVICE_CLAIM, true);

        assertThat(accepted(code)).isTrue();
        assertThat(accepted(deviceAmr)).isFalse();
        assertThat(accepted(deviceClaim)).isFalse();
    }
}
