package dev.twofa.domain.otp;

import java.util.Objects;

/**
 * The result of checking a TOTP code. The caller stores {@link #step()} of an {@link Outcome#ACCEPTED} result as the
 * new last accepted step (RFC 6238 §5.2 tracks the <em>matched</em> step, not the server's current one).
 *
 * @param outcome what happened
 * @param step the matched time step, or {@link Totp#NO_STEP} (-1) when nothing matched
 */
public record TotpCheck(Outcome outcome, long step) {

    public enum Outcome {
        /** The code matched a step newer than the last accepted one; persist {@code step} before trusting it. */
        ACCEPTED,
        /**
         * The code is genuine but its step was already used (RFC 6238 §5.2). OWASP ASVS 2.8.5 asks to log this and
         * notify the user; the caller must still answer exactly as for an invalid code.
         */
        REPLAYED,
        /** Malformed or wrong code. */
        INVALID
    }

    private static final TotpCheck INVALID = new TotpCheck(Outcome.INVALID, Totp.NO_STEP);

    public TotpCheck {
        Objects.requireNonNull(outcome, "outcome");
        if (outcome == Outcome.INVALID ? step != Totp.NO_STEP : step < 0) {
            throw new IllegalArgumentException(outcome + " cannot carry step " + step);
        }
    }

    public static TotpCheck invalid() {
        return INVALID;
    }

    public boolean isAccepted() {
        return outcome == Outcome.ACCEPTED;
    }
}
