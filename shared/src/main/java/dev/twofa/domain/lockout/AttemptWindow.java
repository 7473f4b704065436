package dev.twofa.domain.lockout;

import java.time.Instant;
import java.util.Objects;

/**
 * The terms on which one more failed attempt may be counted, fixed from the account as it was read.
 * A store counts the failure only with a conditional write that holds when either fewer than
 * {@code freeFailures} are counted now, or nothing was counted since the read ({@code seenFailures}),
 * the hard limit is not reached and the latest failure is no later than {@code latestFailureAllowed}
 * (its wait is over). Parallel requests cannot all win: each win changes the count the others
 * condition on (Keycloak CVE-2024-1722, Microsoft "AuthQuake").
 *
 * @param seenFailures the consecutive failures read with the account
 * @param at when this attempt happens
 * @param latestFailureAllowed the latest time the previous failure may have happened for this attempt to be allowed
 */
public record AttemptWindow(
        int seenFailures, Instant at, Instant latestFailureAllowed, int freeFailures, int hardLimit) {

    public AttemptWindow {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(latestFailureAllowed, "latestFailureAllowed");
        if (seenFailures < 0) {
            throw new IllegalArgumentException("seenFailures must be >= 0, was " + seenFailures);
        }
    }
}
