package dev.twofa.domain.sms;

import java.util.Objects;

/**
 * A phone number the user entered that we will not send codes to. Thrown before any SMS is sent, so a bad number
 * costs nothing. {@link #detail()} is meant for the user and never repeats the number they typed: responses and logs
 * may only ever show the masked form.
 */
public final class InvalidPhoneNumberException extends RuntimeException {

    /** Why the number was refused; stable, so the HTTP layer can map each to a problem {@code type}. */
    public enum Reason {
        /** Nothing was entered. */
        EMPTY,
        /** No leading {@code +} (or {@code 00}) and country code: we never guess the country. */
        MISSING_COUNTRY_CODE,
        /** Letters, misplaced {@code +}, no digits or far too long: not a phone number at all. */
        NOT_A_NUMBER,
        /** Shaped like a number but not one the country's numbering plan allows. */
        INVALID,
        /** A valid number of a kind that cannot receive SMS or does not prove possession of a phone. */
        NOT_MOBILE,
        /** A valid mobile number in a country we do not send SMS to. */
        REGION_NOT_ALLOWED
    }

    private static final long serialVersionUID = 1L;

    private final Reason reason;
    private final String detail;

    public InvalidPhoneNumberException(Reason reason, String detail) {
        super(Objects.requireNonNull(reason, "reason") + ": " + Objects.requireNonNull(detail, "detail"));
        if (detail.isBlank()) {
            throw new IllegalArgumentException("detail must not be blank");
        }
        this.reason = reason;
        this.detail = detail;
    }

    public Reason reason() {
        return reason;
    }

    /** A sentence in English that tells the user how to fix the input; safe to return in a response body. */
    public String detail() {
        return detail;
    }
}
