package dev.twofa.config;

import dev.twofa.domain.sms.PhoneNumbers;
import dev.twofa.domain.sms.SendBudget;
import dev.twofa.domain.sms.SendLimits;
import dev.twofa.domain.sms.SmsCodes;
import java.time.Duration;
import java.util.Objects;

/**
 * The deployment's choices for SMS: who may receive codes, how long they live, how often per user and per number, and
 * how many the whole service and any one country may send per hour.
 */
public record SmsSettings(
        String appName,
        PhoneNumbers phoneNumbers,
        Duration codeLifetime,
        SendLimits limits,
        SendBudget accountBudget,
        SendBudget countryBudget) {

    /**
     * Sends per UTC hour for the whole service, unless configured: about $15 to $30 an hour at
     * international SMS prices, a ceiling an attack cannot pass however many users and numbers it uses.
     */
    public static final int DEFAULT_HOURLY_BUDGET = 300;

    /** Sends per UTC hour to any one country, unless configured: a third of the service's. */
    public static final int DEFAULT_COUNTRY_HOURLY_BUDGET = 100;

    public SmsSettings {
        Objects.requireNonNull(appName, "appName");
        Objects.requireNonNull(phoneNumbers, "phoneNumbers");
        Objects.requireNonNull(codeLifetime, "codeLifetime");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(accountBudget, "accountBudget");
        Objects.requireNonNull(countryBudget, "countryBudget");
        // NIST SP 800-63B §5.1.3.2 / ASVS 2.7.2: out-of-band codes expire within 10 minutes.
        if (codeLifetime.isNegative() || codeLifetime.isZero() || codeLifetime.compareTo(SmsCodes.MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("SMS code lifetime must be within (0, 10 min]");
        }
        if (countryBudget.perHour() > accountBudget.perHour()) {
            // Not harmful, but a sign of a swapped or mistyped value: the country budget could never bind.
            throw new IllegalArgumentException("the per-country SMS budget must not exceed the account-wide one");
        }
    }
}
