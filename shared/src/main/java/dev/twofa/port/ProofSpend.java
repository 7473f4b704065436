package dev.twofa.port;

import java.time.Instant;

/**
 * A proof of an existing factor that passed its check and is not spent yet: the store spends it
 * in the same transaction as the change it authorises, so a change that fails (or is refused)
 * leaves the proof usable, and a change never happens without its proof being spent. Each spend
 * holds only while no failure was counted since the account was read ({@code seenFailures}).
 */
public sealed interface ProofSpend {

    int seenFailures();

    /** A TOTP code matched {@code step}: recorded as used, and the last accepted step moves to it. */
    record TotpStep(long step, Instant recordExpiresAt, int seenFailures) implements ProofSpend {}

    /** A recovery code (its stored hash) is deleted; it must still exist. */
    record RecoveryCode(String codeHash, int seenFailures) implements ProofSpend {}

    /** A sign-in assertion's {@code jti} is recorded as spent until the assertion expires. */
    record Assertion(String jti, Instant expiresAt, int seenFailures) implements ProofSpend {}
}
