package dev.twofa.domain.webauthn;

/** The two WebAuthn ceremonies; each has its own single-use challenge per user. */
public enum Ceremony {
    /** navigator.credentials.create: a new credential. */
    REGISTER("register"),
    /** navigator.credentials.get: a sign-in with a registered credential. */
    AUTHENTICATE("authenticate");

    private final String key;

    Ceremony(String key) {
        this.key = key;
    }

    /** How the store names it. */
    public String key() {
        return key;
    }
}
