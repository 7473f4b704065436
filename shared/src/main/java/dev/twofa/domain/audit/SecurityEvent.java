package dev.twofa.domain.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One security event for the audit trail and the log: who, what, how, when and from where. Never
 * a code, secret, token or phone number: details carry only masked or non-secret values.
 *
 * @param method "totp", "recovery", "sms", "assertion", "device" or "webauthn" where the event concerns one; null otherwise
 * @param sourceIp and {@code userAgent}: from the API request; null for operator actions
 */
public record SecurityEvent(
        String type,
        String userId,
        String method,
        Instant at,
        String sourceIp,
        String userAgent,
        Map<String, String> details) {

    public SecurityEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(at, "at");
        details = Map.copyOf(details);
    }
}
