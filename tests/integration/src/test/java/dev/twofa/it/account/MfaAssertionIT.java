package dev.twofa.it.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The signed MFA result, checked with Nimbus JOSE+JWT (not our code) against the published JWKS,
 * exactly as a relying app's backend would: ES256 from a KMS ECC_NIST_P256 key (moto signs it).
 */
class MfaAssertionIT {
    private final TestApp app = new TestApp();
    private final Enrollment.Enrolled user = Enrollment.enroll(app, "user-" + UUID.randomUUID());

    private JWKSet jwks() throws Exception {
        APIGatewayV2HTTPResponse response =
                app.jwks().handleRequest(Api.request("GET /.well-known/jwks.json", null, null), null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return JWKSet.parse(response.getBody());
    }

    /** What the relying app runs: signature by the JWKS key, ES256 only, issuer, audience, expiry. */
    private DefaultJWTProcessor<SecurityContext> relyingApp() throws Exception {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        // RFC 8725 §3.11: only our explicitly typed assertions, never another kind of JWT.
        processor.setJWSTypeVerifier(new com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier<>(
                new com.nimbusds.jose.JOSEObjectType("twofa-assertion+jwt")));
        processor.setJWSKeySelector(
                new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, new ImmutableJWKSet<>(jwks())));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                TestApp.ASSERTION_AUDIENCE,
                new JWTClaimsSet.Builder().issuer(TestApp.ASSERTION_ISSUER).build(),
                Set.of("sub", "amr", "iat", "exp", "jti", "auth_time")));
        return processor;
    }

    private String assertionOf(APIGatewayV2HTTPResponse response) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return (String) Api.body(response).get("assertion");
    }

    @Test
    void totpLogin_assertion_verifiesWithAnIndependentLibrary() throws Exception {
        String jwt = assertionOf(Enrollment.verify(
                app, user.userId(), "code", IndependentTotp.code(user.secret(), user.enrollmentStep() + 1)));

        JWTClaimsSet claims = relyingApp().process(jwt, null);
        assertThat(claims.getSubject()).isEqualTo(user.userId());
        assertThat(claims.getStringListClaim("amr")).containsExactly("otp");
        assertThat(claims.getJWTID()).isNotBlank();
        long lifetime =
                claims.getExpirationTime().getTime() - claims.getIssueTime().getTime();
        assertThat(Duration.ofMillis(lifetime)).isLessThanOrEqualTo(Duration.ofMinutes(5));

        SignedJWT parsed = SignedJWT.parse(jwt);
        assertThat(parsed.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        ECKey key = (ECKey) jwks().getKeyByKeyId(parsed.getHeader().getKeyID());
        assertThat(key).as("kid names the JWKS key").isNotNull();
        assertThat(key.computeThumbprint().toString()).isEqualTo(key.getKeyID());
        assertThat(key.isPrivate()).isFalse();
    }

    @Test
    void recoveryAndSmsLogins_carryTheirOwnAmr() throws Exception {
        String recovery = assertionOf(Enrollment.verify(
                app, user.userId(), "recoveryCode", user.recoveryCodes().get(0)));
        assertThat(relyingApp().process(recovery, null).getStringListClaim("amr"))
                .containsExactly("recovery");

        String phone = Sms.uniqueDanishMobile();
        Sms.enable(
                app,
                user.userId(),
                phone,
                java.util.Map.of("recoveryCode", user.recoveryCodes().get(1)));
        app.clock.advance(Duration.ofSeconds(31));
        Sms.send(app, user.userId(), "login", null);
        String sms = assertionOf(Sms.confirm(app, user.userId(), "login", Sms.lastCode(phone)));
        assertThat(relyingApp().process(sms, null).getStringListClaim("amr")).containsExactly("sms");
    }

    @Test
    void theNonce_isBoundIntoTheAssertion_withAuthTimeAndAnExplicitType() throws Exception {
        String nonce = "n-" + UUID.randomUUID();
        String jwt = assertionOf(app.verifyLogin()
                .handleRequest(
                        Api.request(
                                "POST /2fa/verify",
                                user.userId(),
                                Api.json(java.util.Map.of(
                                        "code",
                                        IndependentTotp.code(user.secret(), user.enrollmentStep() + 1),
                                        "nonce",
                                        nonce))),
                        null));
        JWTClaimsSet claims = relyingApp().process(jwt, null);
        assertThat(claims.getStringClaim("nonce")).isEqualTo(nonce);
        assertThat(claims.getLongClaim("auth_time"))
                .isEqualTo(app.clock.instant().getEpochSecond());
        assertThat(SignedJWT.parse(jwt).getHeader().getType().getType()).isEqualTo("twofa-assertion+jwt");

        // A relying app that expects another nonce (another sign-in) refuses it.
        DefaultJWTProcessor<SecurityContext> otherSignIn = relyingApp();
        otherSignIn.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                TestApp.ASSERTION_AUDIENCE,
                new JWTClaimsSet.Builder()
                        .issuer(TestApp.ASSERTION_ISSUER)
                        .claim("nonce", "another-sign-in")
                        .build(),
                Set.of("sub", "nonce")));
        assertThatThrownBy(() -> otherSignIn.process(jwt, null)).isInstanceOf(BadJWTException.class);

        // A nonce is visible ASCII of at most 128 characters, checked before the code is.
        APIGatewayV2HTTPResponse tooLong = app.verifyLogin()
                .handleRequest(
                        Api.request(
                                "POST /2fa/verify",
                                user.userId(),
                                Api.json(java.util.Map.of("code", "123456", "nonce", "x".repeat(129)))),
                        null);
        assertThat(tooLong.getStatusCode()).isEqualTo(400);
        assertThat(Api.body(tooLong).get("field")).isEqualTo("nonce");
    }

    @Test
    void anExpiredAssertion_isRefused() throws Exception {
        // A user who signed in eight minutes ago (the service's clock set back): the assertion, valid for
        // five minutes, has expired by the relying app's real clock, beyond Nimbus' 60 s clock skew.
        app.clock.advance(Duration.ofMinutes(-8));
        Enrollment.Enrolled earlier = Enrollment.enroll(app, "earlier-" + UUID.randomUUID());
        String jwt = assertionOf(Enrollment.verify(
                app, earlier.userId(), "code", IndependentTotp.code(earlier.secret(), earlier.enrollmentStep() + 1)));
        assertThatThrownBy(() -> relyingApp().process(jwt, null))
                .isInstanceOf(BadJWTException.class)
                .hasMessageContaining("xpired");
    }

    @Test
    void anAlteredSignatureOrClaim_isRefused() throws Exception {
        String jwt = assertionOf(Enrollment.verify(
                app, user.userId(), "code", IndependentTotp.code(user.secret(), user.enrollmentStep() + 1)));
        String[] parts = jwt.split("\\.");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[10] ^= 0x01;
        String badSignature = parts[0] + "." + parts[1] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        assertThat(SignedJWT.parse(badSignature)
                        .verify(new ECDSAVerifier((ECKey) jwks().getKeys().get(0))))
                .isFalse();
        assertThatThrownBy(() -> relyingApp().process(badSignature, null)).isInstanceOf(Exception.class);

        String otherSub = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(new String(Base64.getUrlDecoder().decode(parts[1]))
                        .replace(user.userId(), "mallory")
                        .getBytes());
        String badClaims = parts[0] + "." + otherSub + "." + parts[2];
        assertThatThrownBy(() -> relyingApp().process(badClaims, null)).isInstanceOf(Exception.class);
    }
}
