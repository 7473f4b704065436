package dev.twofa.domain.enrollment;

import java.time.Instant;
import java.util.Objects;

/**
 * An enrollment between "Enable 2FA" and the first confirmed code.
 *
 * @param steppedUp whether it was started with a proof of a factor the account already had; one
 *     started without (the account had none) may only complete while the account still has none
 */
public record PendingEnrollment(
        String userId,
        String enrollmentId,
        EnrollmentStage stage,
        String email,
        byte[] secretCiphertext,
        Instant expiresAt,
        boolean steppedUp) {

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

    public static PendingEnrollment started(
            String userId, String enrollmentId, String email, Instant expiresAt, boolean steppedUp) {
        return new PendingEnrollment(
                userId, enrollmentId, EnrollmentStage.AWAITING_ACTIVATION, email, null, expiresAt, steppedUp);
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
