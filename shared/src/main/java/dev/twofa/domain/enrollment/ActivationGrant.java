package dev.twofa.domain.enrollment;

import java.time.Instant;
import java.util.Objects;

/**
 * What an activation link grants: the right of one user to activate one pending enrollment, once,
 * before {@code expiresAt}. Stored under the SHA-256 of the token, never the token itself (OWASP
 * forgot-password rules).
 */
public record ActivationGrant(String tokenHash, String userId, String enrollmentId, Instant expiresAt) {
    public ActivationGrant {
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(enrollmentId, "enrollmentId");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
