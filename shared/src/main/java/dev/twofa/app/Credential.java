package dev.twofa.app;

/** What the user typed at a second-factor prompt: a code from the app, or a recovery code. */
public sealed interface Credential {

    record TotpCode(String code) implements Credential {}

    /** Already normalised ({@code RecoveryCodes.normalize}). */
    record RecoveryCode(String normalized) implements Credential {}
}
