package dev.twofa.app;

/** How a second-factor check was passed; the API reports it as {@code method}. */
public enum VerifiedMethod {
    TOTP("totp"),
    RECOVERY("recovery");

    private final String apiName;

    VerifiedMethod(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }
}
