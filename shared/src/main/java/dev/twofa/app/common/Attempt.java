package dev.twofa.app.common;

/**
 * What the user was doing when a code was checked, kept on the failure's security events (detail
 * {@code during}) so the activity feed can say "wrong code while setting up" rather than "failed
 * sign-in" (issue 15). Every kind counts toward the same lockout.
 */
public enum Attempt {
    /** The sign-in step after the password. */
    SIGN_IN("sign-in"),
    /** The first code of a factor being turned on (the app's first code, the SMS enable code). */
    SETUP("setup"),
    /** A proof confirming a change of a factor or the recovery codes (step-up). */
    CHANGE("change");

    /** The detail key on {@code verify_failed}, {@code lockout_started}, {@code factor_locked} and {@code recovery_code_used}. */
    public static final String DETAIL = "during";

    private final String detail;

    Attempt(String detail) {
        this.detail = detail;
    }

    public String detail() {
        return detail;
    }
}
