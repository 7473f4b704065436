package dev.twofa.domain.enrollment;

import java.time.Instant;
import java.util.Objects;

/** An enrollment between "Enable 2FA" and the first confirmed code. */
public record PendingEnrollment(
        String userId,
        String enrollmentId,
        EnrollmentStage stage,
        String email,
        byte[] secretCiphertext,
        Instant expiresAt) {

    public PendingEnrollment {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(enrollmentId, "enrollmentId");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (stage == EnrollmentStage.AWAITING_CONFIRMATION && secretCiphertext == null) {
            throw new IllegalArgumentException("an activated enrollment carries its secret");
        }
        secretCiphertext = secretCiphertext == null ? null : secretCiphertext.clone();
    }

    public static PendingEnrollment started(String userId, String enrollmentId, String email, Instant expiresAt) {
        return new PendingEnrollment(userId, enrollmentId, EnrollmentStage.AWAITING_ACTIVATION, email, null, expiresAt);
    }

    /** DynamoDB TTL deletes lazily: an item past its expiry must be treated as absent. */
    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    @Override
    public byte[] secretCiphertext() {
        return secretCiphertext == null ? null : secretCiphertext.clone();
    }
}
