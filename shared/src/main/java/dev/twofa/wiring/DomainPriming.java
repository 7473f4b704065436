package dev.twofa.wiring;

import dev.twofa.app.ActivateLink;
import dev.twofa.domain.otp.KeyUri;
import dev.twofa.domain.otp.OtpPolicy;
import dev.twofa.domain.otp.QrCode;
import dev.twofa.domain.recovery.RecoveryCodes;
import dev.twofa.domain.sms.PhoneNumbers;

/**
 * The domain work of a use case's request path that priming can run on made-up input, with no
 * adapter involved: libraries that load tables or spin up on first use (zxing's QR encoder,
 * libphonenumber's metadata, the PBKDF2 provider). {@link Wiring} names the steps of each use case,
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
}
