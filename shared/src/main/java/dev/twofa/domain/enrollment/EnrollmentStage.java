package dev.twofa.domain.enrollment;

/**
 * Where a pending authenticator-app enrollment stands. The full state machine is
 * {@code none → AWAITING_ACTIVATION (email sent) → AWAITING_CONFIRMATION (secret shown) → enabled},
 * with "enabled" recorded on the account, not here; starting again replaces a pending enrollment.
 */
public enum EnrollmentStage {
    AWAITING_ACTIVATION,
    AWAITING_CONFIRMATION
}
