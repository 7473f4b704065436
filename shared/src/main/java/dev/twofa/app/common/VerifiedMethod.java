package dev.twofa.app.common;

/** How a second-factor check was passed; the API reports it as {@code method}. */
public enum VerifiedMethod {
    TOTP("totp"),
    RECOVERY("recovery"),
    /** A sign-in assertion this service issued, spent as a step-up proof (never a sign-in itself). */
    ASSERTION("assertion"),
    /** A remembered device signed a fresh challenge with its non-extractable key (never a step-up proof). */
    DEVICE("device"),
    /** A security key or passkey signed the ceremony's challenge (WebAuthn). */
    WEBAUTHN("webauthn");

    private final String apiName;

    VerifiedMethod(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }
}
