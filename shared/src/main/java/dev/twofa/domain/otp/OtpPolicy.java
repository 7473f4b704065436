package dev.twofa.domain.otp;

import java.util.Objects;

/**
 * Every TOTP parameter in one immutable value, validated when built (as Keycloak's OTPPolicy does), so no verifier can
 * run with a window or secret size the standards forbid.
 *
 * @param algorithm HMAC function (RFC 6238 §1.2)
 * @param digits code length, 6 to 8 (RFC 4226 §5.3 R4 requires at least 6; apps support at most 8)
 * @param periodSeconds time-step length X of RFC 6238 §4.1
 * @param driftSteps steps accepted either side of the current one (RFC 6238 §6 recommends at most one)
 * @param secretBytes length of newly generated secrets
 */
public record OtpPolicy(HmacAlgorithm algorithm, int digits, int periodSeconds, int driftSteps, int secretBytes) {

    /** NIST SP 800-63B §5.1.4.1: the TOTP secret SHALL have at least 112 bits. */
    public static final int MIN_SECRET_BYTES = 14;

    /**
     * What authenticator apps expect (SHA1, 6 digits, 30 s, Cognito's and Keycloak's ±1 step) and a 160-bit secret, the
     * HMAC-SHA1 block-friendly size RFC 4226 §4 R6 recommends and above NIST's 112-bit floor.
     */
    public static final OtpPolicy DEFAULT = new OtpPolicy(HmacAlgorithm.SHA1, 6, 30, 1, 20);

    public OtpPolicy {
        Objects.requireNonNull(algorithm, "algorithm");
        if (digits < 6 || digits > 8) {
            // RFC 4226 §5.3 R4: at least 6 digits; more than 8 is not supported by common authenticator apps.
            throw new IllegalArgumentException("digits must be 6..8, was " + digits);
        }
        if (periodSeconds <= 0) {
            throw new IllegalArgumentException("periodSeconds must be > 0, was " + periodSeconds);
        }
        if (driftSteps < 0 || driftSteps > 2) {
            // Every extra step widens the brute-force target; RFC 6238 §6 recommends at most one step back.
            throw new IllegalArgumentException("driftSteps must be 0..2, was " + driftSteps);
        }
        if (secretBytes < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(
                    "secretBytes must be >= " + MIN_SECRET_BYTES + " (NIST SP 800-63B 112 bits), was " + secretBytes);
        }
    }
}
