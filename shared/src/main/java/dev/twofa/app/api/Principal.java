package dev.twofa.app.api;

import dev.twofa.domain.audit.SecurityEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The signed-in user as the JWT authorizer verified them: {@code sub} is the user id, never a
 * value from the request body. {@code email} is the token's address only when the token also says
 * {@code email_verified: true}; {@code orgId} comes from the token's organisation claim; {@code sourceIp} and {@code userAgent} from API Gateway's request context, for the
 * audit trail.
 */
public record Principal(String userId, String email, String orgId, String sourceIp, String userAgent) {
    public Principal {
        Objects.requireNonNull(userId, "userId");
        if (userId.isBlank()) {
            throw new IllegalArgumentException("userId must not be blank");
        }
    }

    /** A principal known only by id and email (tests, tools). */
    public Principal(String userId, String email) {
        this(userId, email, null, null, null);
    }

    public Optional<String> emailAddress() {
        return Optional.ofNullable(email).filter(e -> !e.isBlank());
    }

    public Optional<String> organisation() {
        return Optional.ofNullable(orgId).filter(o -> !o.isBlank());
    }

    /** A security event of this principal's, with the request's source IP and user agent. */
    public SecurityEvent event(String type, String method, Instant at) {
        return event(type, method, at, Map.of());
    }

    /** A security event of this principal's, with the request's source IP and user agent. */
    public SecurityEvent event(String type, String method, Instant at, Map<String, String> details) {
        return new SecurityEvent(type, userId, method, at, sourceIp, userAgent, details);
    }
}
