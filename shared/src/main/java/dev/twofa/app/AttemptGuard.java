package dev.twofa.app;

import dev.twofa.app.TwoFactorException.InvalidCode;
import dev.twofa.app.TwoFactorException.Locked;
import dev.twofa.app.TwoFactorException.Throttled;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.lockout.LockState;
import dev.twofa.domain.lockout.LockoutPolicy;
import dev.twofa.port.TwoFactorStore;
import java.time.Instant;
import java.util.Map;

/**
 * The per-user lockout, shared by every session and method (NIST SP 800-63B §5.2.2; the "AuthQuake"
 * attack used unlimited parallel sessions). The count lives on the account item and only a
 * success resets it; time alone never does (privacyIDEA #1578).
 */
public final class AttemptGuard {
    private final TwoFactorStore store;
    private final LockoutPolicy policy;
    private final SecurityEvents events;

    public AttemptGuard(TwoFactorStore store, LockoutPolicy policy, SecurityEvents events) {
        this.store = store;
        this.policy = policy;
        this.events = events;
    }

    /** Refuses the attempt before any code is checked while the user must wait or is locked. */
    public void ensureOpen(Account account, Instant now) {
        LockState state = policy.evaluate(account.consecutiveFailures(), account.lastFailureAt(), now);
        switch (state) {
            case LockState.Open open -> {}
            case LockState.Throttled throttled -> throw new Throttled(throttled.retryAfterSeconds(now));
            case LockState.Locked locked -> throw new Locked();
        }
    }

    /** Counts a failed attempt, records it, and returns the error the caller gets. */
    public InvalidCode fail(Principal principal, String method, Instant now, String reason) {
        int failures = store.recordFailure(principal.userId(), now);
        Map<String, String> details = Map.of("reason", reason, "consecutiveFailures", Integer.toString(failures));
        events.record(SecurityEvent.of(principal, "verify_failed", method, now, details));
        if (failures == policy.freeFailures()) {
            events.record(SecurityEvent.of(principal, "lockout_started", method, now, details));
        }
        if (failures == policy.hardLimit()) {
            events.record(SecurityEvent.of(principal, "factor_locked", method, now, details));
        }
        return new InvalidCode(reason);
    }
}
