package dev.twofa.wiring;

import dev.twofa.app.ActivateLink;
import dev.twofa.domain.otp.KeyUri;
import dev.twofa.domain.otp.OtpPolicy;
import dev.twofa.domain.otp.QrCode;
import dev.twofa.domain.recovery.RecoveryCodes;
import dev.twofa.domain.sms.PhoneNumbers;
import dev.twofa.port.WebAuthnVerifier;
import java.util.Base64;
import java.util.Set;

/**
 * The domain work of a use case's request path that priming can run on made-up input, with no
 * adapter involved: libraries that load tables or spin up on first use (zxing's QR encoder,
 * libphonenumber's metadata, the PBKDF2 provider, webauthn4j's CBOR and COSE readers). {@link Wiring} names the steps of each use case,
 * so a function primes only the libraries its jar ships. Nothing here is kept: a step's result is
 * thrown away, and what it draws from the random source is never used again.
 */
final class DomainPriming {
    /** A fictitious US number (555-01xx is reserved for fiction). */
    static final String PRIMING_NUMBER = "+1 202-555-0100";

    private DomainPriming() {}

    /** The activation page: the otpauth URI of an all-zero secret, rendered as a QR PNG data URI. */
    static void qrCode() {
        String uri = KeyUri.of(
                "Priming", "priming@example.invalid", new byte[OtpPolicy.DEFAULT.secretBytes()], OtpPolicy.DEFAULT);
        QrCode.dataUri(QrCode.png(uri, ActivateLink.QR_MODULE_SCALE));
    }

    /** A recovery code's check: normalizing and PBKDF2 hashing a fixed code under an all-zero salt. */
    static void recoveryCodes() {
        String normalized = RecoveryCodes.normalize("ABCD-EFGH-JKMN").orElseThrow();
        RecoveryCodes.hash(normalized, new byte[32]);
    }

    /** Parsing a number: loads libphonenumber's metadata (the number may be outside the allowed countries). */
    static void phoneNumber(PhoneNumbers numbers) {
        try {
            numbers.parse(PRIMING_NUMBER);
        } catch (RuntimeException expected) {
            // Refused (a region not allowed here): the metadata is loaded all the same.
        }
    }

    /** The made-up relying party of {@link #webauthn}: a reserved name, never configured anywhere. */
    static final String PRIMING_RP_ID = "priming.invalid";

    /**
     * A WebAuthn registration and a sign-in, verified by the function's verifier: loads webauthn4j's
     * CBOR, COSE and authenticator-data readers and the EC signature check. The ceremony is a fixed one
     * of a throwaway software key (for {@value #PRIMING_RP_ID}, an all-zero challenge): nothing in it
     * belongs to anyone or verifies anywhere else.
     */
    static void webauthn(WebAuthnVerifier verifier) {
        WebAuthnVerifier.Expected expected =
                new WebAuthnVerifier.Expected(Set.of("https://" + PRIMING_RP_ID), PRIMING_RP_ID, new byte[32], false);
        WebAuthnVerifier.NewCredential key = verifier.verifyRegistration(
                new WebAuthnVerifier.Registration(b64(REG_CLIENT), b64(REG_ATTESTATION), Set.of("usb")), expected);
        verifier.verifyAuthentication(
                new WebAuthnVerifier.Authentication(
                        key.credentialId(), b64(AUTH_CLIENT), b64(AUTH_DATA), b64(AUTH_SIGNATURE), null),
                new WebAuthnVerifier.Stored(
                        key.credentialId(), key.publicKey(), key.signCount(), key.aaguid(), true, false, false),
                expected);
    }

    private static byte[] b64(String value) {
        return Base64.getUrlDecoder().decode(value);
    }

    private static final String REG_CLIENT =
            "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQSIsIm9yaWdpbiI6Imh0dHBzOi8vcHJpbWluZy5pbnZhbGlkIiwiY3Jvc3NPcmlnaW4iOmZhbHNlfQ";
    private static final String REG_ATTESTATION =
            "o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVik5P9J9TeI9y-402TYVVMAFCb-QFxfwUCCC2gwdEJMEURFAAAAAQAAAAAAAAAAAAAAAAAAAAAAIHxsWRqK5YLNsS6aSp_jjtS7tovWGFC6qA35kmfDGb_gpQECAyYgASFYINc3nyHPwWeF179AVArTfqJ5WP6UOT3jS6Abb6W-Vv3AIlggsjfhDGHv96MqscAaNsZlq9ctzMeOpV8iIkvyMjWimVw";
    private static final String AUTH_CLIENT =
            "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQSIsIm9yaWdpbiI6Imh0dHBzOi8vcHJpbWluZy5pbnZhbGlkIiwiY3Jvc3NPcmlnaW4iOmZhbHNlfQ";
    private static final String AUTH_DATA = "5P9J9TeI9y-402TYVVMAFCb-QFxfwUCCC2gwdEJMEUQFAAAAAg";
    private static final String AUTH_SIGNATURE =
            "MEQCIC7vrPCThNHTcVwHgdFgQigrAJiUFN20bBPHH5ZakUpjAiAaPKttuMcO81qceLJm4AV557bzN8JqZX1-8wsa3rQeFw";
}
