package dev.twofa.app;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One security event for the audit trail and the log: who, what, how, when and from where. Never
 * a code, secret, token or phone number: details carry only masked or non-secret values.
 *
 * @param method "totp", "recovery" or "sms" where the event concerns one; null otherwise
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

    /** An event caused by the signed-in user's request. */
    public static SecurityEvent of(Principal principal, String type, String method, Instant at) {
        return of(principal, type, method, at, Map.of());
    }

    public static SecurityEvent of(
            Principal principal, String type, String method, Instant at, Map<String, String> details) {
        return new SecurityEvent(
                type, principal.userId(), method, at, principal.sourceIp(), principal.userAgent(), details);
    }
}
