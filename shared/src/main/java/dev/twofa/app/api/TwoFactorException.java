package dev.twofa.app.api;

/**
 * Base of the typed failures a use case reports. Each subtype maps to exactly one HTTP status and
 * problem type in {@code dev.twofa.http.Problems}; messages are for logs, never for callers.
 */
public abstract sealed class TwoFactorException extends RuntimeException
        permits TwoFactorException.Unauthenticated,
                TwoFactorException.InvalidRequest,
                TwoFactorException.InvalidCode,
                TwoFactorException.InvalidToken,
                TwoFactorException.WrongState,
                TwoFactorException.Throttled,
                TwoFactorException.Locked,
                TwoFactorException.StepUpRequired,
                TwoFactorException.EmailNotVerified,
                TwoFactorException.PayloadTooLarge {

    private TwoFactorException(String logMessage) {
        super(logMessage, null, false, false);
    }

    /** No verified principal on the request (401). */
    public static final class Unauthenticated extends TwoFactorException {
        public Unauthenticated(String logMessage) {
            super(logMessage);
        }
    }

    /** Malformed body or field (400); {@code detail} is safe to show the caller. */
    public static final class InvalidRequest extends TwoFactorException {
        private final String field;
        private final String detail;

        public InvalidRequest(String field, String detail) {
            super("invalid request field " + field);
            this.field = field;
            this.detail = detail;
        }

        public String field() {
            return field;
        }

        public String detail() {
            return detail;
        }
    }

    /**
     * Wrong, expired or replayed code (400). One type for all three so a caller cannot tell them
     * apart (Spring Security one-time tokens: every failure looks the same). A counted failure also
     * says how many more wrong codes the lockout takes before a wait starts and before the lock,
     * the next one included (the same figures for all three, from the count alone), so a client can
     * warn before the wait rather than after it.
     */
    public static final class InvalidCode extends TwoFactorException {
        private final int attemptsBeforeWait;
        private final int attemptsBeforeLock;

        /** A refusal the lockout did not count: no figures. */
        public InvalidCode(String logMessage) {
            this(logMessage, -1, -1);
        }

        public InvalidCode(String logMessage, int attemptsBeforeWait, int attemptsBeforeLock) {
            super(logMessage);
            this.attemptsBeforeWait = attemptsBeforeWait;
            this.attemptsBeforeLock = attemptsBeforeLock;
        }

        /** Wrong codes still taken before a wait starts, the next included (1: the next one starts it; 0: one runs). */
        public java.util.OptionalInt attemptsBeforeWait() {
            return attemptsBeforeWait < 0
                    ? java.util.OptionalInt.empty()
                    : java.util.OptionalInt.of(attemptsBeforeWait);
        }

        /** Wrong codes still taken before the lock, the next included (1: the next one locks; 0: locked). */
        public java.util.OptionalInt attemptsBeforeLock() {
            return attemptsBeforeLock < 0
                    ? java.util.OptionalInt.empty()
                    : java.util.OptionalInt.of(attemptsBeforeLock);
        }
    }

    /** Unknown, expired, used or foreign activation token (400), one body for all. */
    public static final class InvalidToken extends TwoFactorException {
        public InvalidToken(String logMessage) {
            super(logMessage);
        }
    }

    /** The request is valid but not in the enrollment's current state (409). */
    public static final class WrongState extends TwoFactorException {
        private final String detail;

        public WrongState(String detail) {
            super("wrong state: " + detail);
            this.detail = detail;
        }

        public String detail() {
            return detail;
        }
    }

    /** Too many failed attempts, or SMS sends over a limit or budget: wait (429 with Retry-After). */
    public static final class Throttled extends TwoFactorException {
        private final long retryAfterSeconds;

        public Throttled(long retryAfterSeconds) {
            super("throttled for " + retryAfterSeconds + " s");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** 100 consecutive failures: locked until a support reset (NIST SP 800-63B §5.2.2). */
    public static final class Locked extends TwoFactorException {
        public Locked() {
            super("factor locked until support reset");
        }
    }

    /**
     * A factor change without a proof of a factor the account already has (403; OWASP MFA cheat
     * sheet, NIST SP 800-63B §6.1.2.1). {@code acceptedProofs} names the body fields that would do.
     */
    public static final class StepUpRequired extends TwoFactorException {
        private final java.util.List<String> acceptedProofs;

        public StepUpRequired(java.util.List<String> acceptedProofs) {
            super("step-up proof required");
            this.acceptedProofs = java.util.List.copyOf(acceptedProofs);
        }

        public java.util.List<String> acceptedProofs() {
            return acceptedProofs;
        }
    }

    /** No verified address to send an activation link to (409): never to an unverified one. */
    public static final class EmailNotVerified extends TwoFactorException {
        public EmailNotVerified() {
            super("no verified email address");
        }
    }

    /**
     * A request body over the limit, refused before it is parsed (413). API Gateway itself refuses
     * bodies over its own limit, 10 MB, with {@code {"message":"Request Entity Too Large"}} before any
     * function runs.
     */
    public static final class PayloadTooLarge extends TwoFactorException {
        private final int limitBytes;

        public PayloadTooLarge(int limitBytes) {
            super("request body over " + limitBytes + " bytes");
            this.limitBytes = limitBytes;
        }

        public int limitBytes() {
            return limitBytes;
        }
    }
}
