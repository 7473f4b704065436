package dev.twofa.webauthn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twofa.port.WebAuthnVerifier;
import dev.twofa.port.WebAuthnVerifier.Reason;
import dev.twofa.testing.SoftwareAuthenticator;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The webauthn4j adapter against a software authenticator built with JDK crypto only. */
class Webauthn4jVerifierTest {
    private static final String RP = "app.example.com";
    private static final String ORIGIN = "https://app.example.com";

    private final Webauthn4jVerifier verifier = new Webauthn4jVerifier();
    private final SoftwareAuthenticator key = new SoftwareAuthenticator(RP, ORIGIN);

    private static byte[] challenge() {
        byte[] c = new byte[32];
        new SecureRandom().nextBytes(c);
        return c;
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static byte[] d(Object s) {
        return Base64.getUrlDecoder().decode((String) s);
    }

    private static WebAuthnVerifier.Expected expected(byte[] challenge, boolean uvRequired) {
        return new WebAuthnVerifier.Expected(Set.of(ORIGIN), RP, challenge, uvRequired);
    }

    @SuppressWarnings("unchecked")
    private static WebAuthnVerifier.Registration registration(Map<String, Object> json) {
        Map<String, Object> r = (Map<String, Object>) json.get("response");
        return new WebAuthnVerifier.Registration(
                d(r.get("clientDataJSON")), d(r.get("attestationObject")), Set.of("usb"));
    }

    @SuppressWarnings("unchecked")
    private static WebAuthnVerifier.Authentication authentication(Map<String, Object> json) {
        Map<String, Object> r = (Map<String, Object>) json.get("response");
        return new WebAuthnVerifier.Authentication(
                d(json.get("rawId")),
                d(r.get("clientDataJSON")),
                d(r.get("authenticatorData")),
                d(r.get("signature")),
                r.containsKey("userHandle") ? d(r.get("userHandle")) : null);
    }

    private WebAuthnVerifier.NewCredential registered() {
        byte[] c = challenge();
        return verifier.verifyRegistration(registration(key.register(b64(c))), expected(c, false));
    }

    private static WebAuthnVerifier.Stored stored(WebAuthnVerifier.NewCredential n) {
        return new WebAuthnVerifier.Stored(
                n.credentialId(),
                n.publicKey(),
                n.signCount(),
                n.aaguid(),
                n.userVerified(),
                n.backupEligible(),
                n.backupState());
    }

    @Test
    void registration_yieldsTheKeyCounterAndFlags() {
        WebAuthnVerifier.NewCredential created = registered();
        assertThat(b64(created.credentialId())).isEqualTo(key.credentialId());
        assertThat(created.signCount()).isEqualTo(1);
        assertThat(created.userVerified()).isTrue();
        assertThat(created.backupEligible()).isFalse();
        assertThat(created.aaguid()).hasSize(16);
        // A COSE_Key map of five entries (kty, alg, crv, x, y).
        assertThat(created.publicKey()[0] & 0xff).isEqualTo(0xa5);
    }

    @Test
    void registration_fromAnotherOrigin_isRefused() {
        key.origin = "https://app.example.com.evil.test";
        byte[] c = challenge();
        assertThatThrownBy(() -> verifier.verifyRegistration(registration(key.register(b64(c))), expected(c, false)))
                .isInstanceOfSatisfying(WebAuthnVerifier.Rejected.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.ORIGIN));
    }

    @Test
    void registration_forAnotherRpId_isRefused() {
        key.rpId = "evil.test";
        byte[] c = challenge();
        assertThatThrownBy(() -> verifier.verifyRegistration(registration(key.register(b64(c))), expected(c, false)))
                .isInstanceOfSatisfying(WebAuthnVerifier.Rejected.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.RP_ID));
    }

    @Test
    void registration_ofAnotherChallenge_isRefused() {
        byte[] c = challenge();
        assertThatThrownBy(() ->
                        verifier.verifyRegistration(registration(key.register(b64(challenge()))), expected(c, false)))
                .isInstanceOfSatisfying(WebAuthnVerifier.Rejected.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.CHALLENGE));
    }

    @Test
    void registration_ofTheWrongType_isRefused() {
        key.typeOverride = "webauthn.get";
        byte[] c = challenge();
        assertThatThrownBy(() -> verifier.verifyRegistration(registration(key.register(b64(c))), expected(c, false)))
                .isInstanceOfSatisfying(WebAuthnVerifier.Rejected.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.TYPE));
    }

    @Test
    void registration_withoutUserPresence_isRefused() {
        key.userPresent = false;
        byte[] c = challenge();
        assertThatThrownBy(() -> verifier.verifyRegistration(registration(key.register(b64(c))), expected(c, false)))
                .isInstanceOfSatisfying(WebAuthnVerifier.Rejected.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.USER_PRESENCE));
    }

    @Test
    void registration_withoutUserVerification_isRefusedOnlyWhenRequired() {
        key.userVerified = false;
        byte[] c = challenge();
        assertThatThrownBy(() -> verifier.verifyRegistration(registration(key.register(b64(c))), expected(c, true)))
                .isInstanceOfSatisfying(WebAuthnVerifier.Rejected.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.USER_VERIFICATION));
        byte[] c2 = challenge();
        assertThat(verifier.verifyRegistration(registration(key.register(b64(c2))), expected(c2, false))
                        .userVerified())
                .isFalse();
    }

    @Test
    void registration_garbage_isMalformed() {
        byte[] c = challenge();
        assertThatThrownBy(() -> verifier.verifyRegistration(
                        new WebAuthnVerifier.Registration(new byte[] {1, 2}, new byte[] {3}, Set.of()),
                        expected(c, false)))
                .isInstanceOfSatisfying(WebAuthnVerifier.Rejected.class, e -> assertThat(e.reason())
                        .isIn(Reason.MALFORMED, Reason.OTHER));
    }

    @Test
    void authentication_checksTheSignatureWithTheStoredKey_andReportsTheCounter() {
        WebAuthnVerifier.NewCredential created = registered();
        byte[] c = challenge();
        WebAuthnVerifier.Asserted asserted = verifier.verifyAuthentication(
                authentication(key.authenticate(b64(c), null)), stored(created), expected(c, false));
        assertThat(asserted.signCount()).isEqualTo(2);
        assertThat(asserted.userVerified()).isTrue();
    }

    @Test
    void authentication_withATamperedSignature_isRefused() {
        WebAuthnVerifier.NewCredential created = registered();
        key.tamperSignature = true;
        byte[] c = challenge();
        assertThatThrownBy(() -> verifier.verifyAuthentication(
                        authentication(key.authenticate(b64(c), null)), stored(created), expected(c, false)))
                .isInstanceOfSatisfying(WebAuthnVerifier.Rejected.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.SIGNATURE));
    }

    @Test
    void authentication_byAnotherKey_isRefused() {
        WebAuthnVerifier.NewCredential created = registered();
        SoftwareAuthenticator other = new SoftwareAuthenticator(RP, ORIGIN);
        byte[] c = challenge();
        @SuppressWarnings("unchecked")
        Map<String, Object> response =
                (Map<String, Object>) other.authenticate(b64(c), null).get("response");
        WebAuthnVerifier.Authentication forged = new WebAuthnVerifier.Authentication(
                created.credentialId(),
                d(response.get("clientDataJSON")),
                d(response.get("authenticatorData")),
                d(response.get("signature")),
                null);
        assertThatThrownBy(() -> verifier.verifyAuthentication(forged, stored(created), expected(c, false)))
                .isInstanceOfSatisfying(WebAuthnVerifier.Rejected.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.SIGNATURE));
    }

    @Test
    void authentication_fromAnotherOrigin_isRefused() {
        WebAuthnVerifier.NewCredential created = registered();
        key.origin = "https://phish.example.net";
        byte[] c = challenge();
        assertThatThrownBy(() -> verifier.verifyAuthentication(
                        authentication(key.authenticate(b64(c), null)), stored(created), expected(c, false)))
                .isInstanceOfSatisfying(WebAuthnVerifier.Rejected.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.ORIGIN));
    }

    @Test
    void authentication_withACounterThatDidNotGrow_isLeftToTheCaller() {
        WebAuthnVerifier.NewCredential created = registered();
        key.counterStep = 0;
        byte[] c = challenge();
        WebAuthnVerifier.Asserted asserted = verifier.verifyAuthentication(
                authentication(key.authenticate(b64(c), null)),
                new WebAuthnVerifier.Stored(
                        created.credentialId(), created.publicKey(), 5, created.aaguid(), true, false, false),
                expected(c, false));
        assertThat(asserted.signCount()).isEqualTo(1);
    }
}
