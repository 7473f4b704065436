package dev.twofa.http;

/**
 * A request body over {@link ApiRequest#MAX_BODY_BYTES}, refused before it is parsed: 413
 * {@code urn:twofa:problem:payload-too-large}. (API Gateway itself refuses bodies over its own
 * limit, 10 MB, with {@code {"message":"Request Entity Too Large"}} before any function runs.)
 */
public final class PayloadTooLarge extends RuntimeException {
    private final int limitBytes;

    public PayloadTooLarge(int limitBytes) {
        super("request body over " + limitBytes + " bytes", null, false, false);
        this.limitBytes = limitBytes;
    }

    public int limitBytes() {
        return limitBytes;
    }
}
