package dev.twofa.app;

import dev.twofa.domain.sms.PhoneNumbers;
import dev.twofa.domain.sms.SendLimits;
import dev.twofa.domain.sms.SmsCodes;
import java.time.Duration;
import java.util.Objects;

/** The deployment's choices for SMS: who may receive codes, how long they live, how often. */
public record SmsSettings(String appName, PhoneNumbers phoneNumbers, Duration codeLifetime, SendLimits limits) {
    public SmsSettings {
        Objects.requireNonNull(appName, "appName");
        Objects.requireNonNull(phoneNumbers, "phoneNumbers");
        Objects.requireNonNull(codeLifetime, "codeLifetime");
        Objects.requireNonNull(limits, "limits");
        // NIST SP 800-63B §5.1.3.2 / ASVS 2.7.2: out-of-band codes expire within 10 minutes.
        if (codeLifetime.isNegative() || codeLifetime.isZero() || codeLifetime.compareTo(SmsCodes.MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("SMS code lifetime must be within (0, 10 min]");
        }
    }
}
