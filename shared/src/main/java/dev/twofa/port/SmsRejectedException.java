package dev.twofa.port;

/** The SMS service refused this destination: retrying will not help, another number might. */
public final class SmsRejectedException extends RuntimeException {
    public enum Reason {
        /** The recipient replied STOP; AWS will not deliver until they opt in again. */
        OPTED_OUT,
        /** The service considers the number invalid or unreachable. */
        REFUSED
    }

    private final Reason reason;

    public SmsRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
