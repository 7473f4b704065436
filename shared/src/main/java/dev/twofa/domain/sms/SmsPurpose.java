package dev.twofa.domain.sms;

import java.util.Objects;
import java.util.Optional;

/**
 * What an SMS code was sent for. Every code is bound to exactly one purpose, so a code sent to sign in cannot enable or
 * disable SMS (OWASP MFA cheat sheet: disabling needs a fresh second factor, not a leftover login code).
 */
public enum SmsPurpose {
    ENABLE("enable"),
    LOGIN("login"),
    DISABLE("disable");

    private final String apiName;

    SmsPurpose(String apiName) {
        this.apiName = apiName;
    }

    /**
     * The stable lower-case name used in the API and in stored data. The code hash covers this name, not the enum
     * constant, so renaming a constant cannot silently invalidate codes in flight.
     */
    public String apiName() {
        return apiName;
    }

    /** The purpose with exactly this API name (case-sensitive, as the API documents it); empty for anything else. */
    public static Optional<SmsPurpose> fromApiName(String apiName) {
        for (SmsPurpose purpose : values()) {
            if (Objects.equals(purpose.apiName, apiName)) {
                return Optional.of(purpose);
            }
        }
        return Optional.empty();
    }
}
