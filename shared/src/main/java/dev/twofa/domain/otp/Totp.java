package dev.twofa.domain.otp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Objects;

/**
 * Time-based one-time passwords, RFC 6238, with T0 = 0 (the Unix epoch). Time is always passed in, so tests and callers
 * decide what "now" is.
 */
public final class Totp {

    /**
     * The "last accepted step" of an account that has never had a code accepted, and the step of an
     * {@link TotpCheck.Outcome#INVALID} result. Steps are never negative (we refuse instants before T0), so -1 cannot
     * collide with a real step.
     */
    public static final long NO_STEP = -1;

    private final OtpPolicy policy;

    public Totp(OtpPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    public OtpPolicy policy() {
        return policy;
    }

    /** T = floor((t - T0) / X), RFC 6238 §4.2. */
    public long stepAt(Instant t) {
        Objects.requireNonNull(t, "t");
        if (t.isBefore(Instant.EPOCH)) {
            throw new IllegalArgumentException("instant before T0 (1970-01-01T00:00:00Z): " + t);
        }
        return t.getEpochSecond() / policy.periodSeconds();
    }

    /** The code for one time step: HOTP with the step as counter (RFC 6238 §4.2). */
    public String codeAt(byte[] secret, long step) {
        Objects.requireNonNull(secret, "secret");
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, was " + step);
        }
        return Hotp.generate(secret, step, policy.digits(), policy.algorithm());
    }

    /**
     * True when {@code code} is exactly {@code digits} ASCII digits. Deliberately strict: no trimming, no Unicode digits
     * (Character.isDigit would accept full-width "１２３"), so malformed input never reaches the HMAC.
     */
    public boolean isWellFormed(String code) {
        if (code == null || code.length() != policy.digits()) {
            return false;
        }
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks a code against every step of the drift window around {@code now}.
     *
     * @param lastAcceptedStep the step stored by the last {@link TotpCheck.Outcome#ACCEPTED} check (including the one at
     *     enrollment), or {@link #NO_STEP} if none
     */
    public TotpCheck check(byte[] secret, String code, Instant now, long lastAcceptedStep) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(now, "now");
        if (lastAcceptedStep < NO_STEP) {
            throw new IllegalArgumentException("lastAcceptedStep must be >= -1, was " + lastAcceptedStep);
        }
        // Format first (GoogleAuth, Keycloak): garbage is refused without spending an HMAC on it.
        if (!isWellFormed(code)) {
            return TotpCheck.invalid();
        }
        byte[] given = code.getBytes(StandardCharsets.US_ASCII);
        long current = stepAt(now);
        long newest = NO_STEP;
        long newestReplayed = NO_STEP;
        // RFC 6238 §6: accept a bounded drift. Every step of the window is computed and compared, with no early exit,
        // so the response time does not reveal which step (if any) matched.
        for (long step = Math.max(0, current - policy.driftSteps()); step <= current + policy.driftSteps(); step++) {
            byte[] expected = codeAt(secret, step).getBytes(StandardCharsets.US_ASCII);
            // Constant-time comparison: String.equals returns at the first differing character.
            boolean match = MessageDigest.isEqual(expected, given);
            if (match && step > lastAcceptedStep) {
                newest = step;
            } else if (match) {
                newestReplayed = step;
            }
        }
        if (newest != NO_STEP) {
            return new TotpCheck(TotpCheck.Outcome.ACCEPTED, newest);
        }
        if (newestReplayed != NO_STEP) {
            // RFC 6238 §5.2: a step at or below the last accepted one must never be accepted again.
            return new TotpCheck(TotpCheck.Outcome.REPLAYED, newestReplayed);
        }
        return TotpCheck.invalid();
    }
}
