package dev.twofa.app.api;

/**
 * What proves a second factor: a code from the app or a recovery code (typed at a prompt), or, for
 * a factor change only, a sign-in assertion this service issued minutes ago (step-up).
 */
public sealed interface Credential {

    record TotpCode(String code) implements Credential {}

    /** Already normalised ({@code RecoveryCodes.normalize}). */
    record RecoveryCode(String normalized) implements Credential {}

    /** The compact JWS of a sign-in assertion, as {@code verify} or an SMS sign-in answered it. */
    record SignInAssertion(String token) implements Credential {}
}
