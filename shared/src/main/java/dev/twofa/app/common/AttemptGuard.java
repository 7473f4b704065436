package dev.twofa.app.common;

import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException;
import dev.twofa.app.api.TwoFactorException.InvalidCode;
import dev.twofa.app.api.TwoFactorException.Locked;
import dev.twofa.app.api.TwoFactorException.Throttled;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.lockout.LockState;
import dev.twofa.domain.lockout.LockoutPolicy;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.TwoFactorStore;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The per-user lockout, shared by every session, method and proof (NIST SP 800-63B §5.2.2). The
 * count lives on the account item and only a successful check of an existing factor resets it;
 * time alone never does, nor does enabling or disabling a factor (privacyIDEA #1578).
 *
 * <p>Every check is counted before its answer leaves: a wrong code is answered {@code invalid-code}
 * only if a conditional write could count it within the budget ({@link TwoFactorStore#countFailure}),
 * and a right one passes only if its success write finds no failure counted since the account was
 * read. Comparing has no side effect, so K parallel guesses (Lambda runs them in K instances; the
 * "AuthQuake" attack) get the free failures and then 429, however they interleave.
 */
public final class AttemptGuard {
    private final TwoFactorStore store;
    private final LockoutPolicy policy;
    private final SecurityEvents events;
    private final Notifications notifications;

    public AttemptGuard(
            TwoFactorStore store, LockoutPolicy policy, SecurityEvents events, Notifications notifications) {
        this.store = store;
        this.policy = policy;
        this.events = events;
        this.notifications = notifications;
    }

    /** Refuses the attempt before any code is checked while the account as read must wait or is locked. */
    public void ensureOpen(Account account, Instant now) {
        Optional<TwoFactorException> refused = stateOf(account, now);
        if (refused.isPresent()) {
            throw refused.get();
        }
    }

    /**
     * A check failed: counts it if the budget allows and returns {@code invalid-code}, with how many
     * more wrong codes the count takes before a wait and before the lock; otherwise nothing is
     * counted and the caller gets the wait (or the lock) instead of the answer.
     */
    public TwoFactorException fail(
            Principal principal, Account seen, String method, Instant now, String reason, Attempt attempt) {
        OptionalInt counted = store.countFailure(principal.userId(), policy.window(seen.consecutiveFailures(), now));
        if (counted.isEmpty()) {
            return refusal(principal, now);
        }
        int failures = counted.getAsInt();
        Map<String, String> details = Map.of(
                "reason", reason, "consecutiveFailures", Integer.toString(failures), Attempt.DETAIL, attempt.detail());
        events.record(principal.event("verify_failed", method, now, details));
        if (failures == policy.freeFailures()) {
            events.record(principal.event("lockout_started", method, now, details));
            // OWASP MFA cheat sheet: a failing second factor means the password is likely known.
            notifications.signInWaitStarted(Recipients.of(principal, seen), now);
        }
        if (failures == policy.hardLimit()) {
            events.record(principal.event("factor_locked", method, now, details));
            notifications.factorLocked(Recipients.of(principal, seen), now);
        }
        return new InvalidCode(
                reason, Math.max(0, policy.freeFailures() - failures), Math.max(0, policy.hardLimit() - failures));
    }

    /**
     * A success write was refused. When a failure was counted since {@code seen} was read, the
     * check lost the race to it: the caller waits like everyone else. Otherwise the write's own
     * condition failed, and {@code otherwise} says what that means given the account as it is now.
     */
    public TwoFactorException lostRace(
            Principal principal, Account seen, Instant now, Function<Account, TwoFactorException> otherwise) {
        Account current = current(principal);
        if (current.consecutiveFailures() > seen.consecutiveFailures()) {
            return stateOf(current, now).orElse(new Throttled(1));
        }
        return otherwise.apply(current);
    }

    private TwoFactorException refusal(Principal principal, Instant now) {
        // The count moved since the read (or the wait is not over): answer with what holds now.
        return stateOf(current(principal), now).orElse(new Throttled(1));
    }

    private Account current(Principal principal) {
        return store.findAccount(principal.userId()).orElse(Account.empty(principal.userId()));
    }

    /** The wait or the lock the account is in now; empty when an attempt is allowed. */
    private Optional<TwoFactorException> stateOf(Account account, Instant now) {
        return switch (policy.evaluate(account.consecutiveFailures(), account.lastFailureAt(), now)) {
            case LockState.Open open -> Optional.empty();
            case LockState.Throttled throttled -> Optional.of(new Throttled(throttled.retryAfterSeconds(now)));
            case LockState.Locked locked -> Optional.of(new Locked());
        };
    }
}
