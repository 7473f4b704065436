package dev.twofa.app;

import dev.twofa.app.api.Principal;
import dev.twofa.app.common.OrgPolicies;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.enrollment.PendingEnrollment;
import dev.twofa.domain.lockout.LockState;
import dev.twofa.domain.lockout.LockoutPolicy;
import dev.twofa.domain.webauthn.WebAuthnCredential;
import dev.twofa.port.TwoFactorStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What Settings > Security shows: which factors are on (the SMS number only masked), recovery codes
 * left, and whether sign-in must wait. Reads the table only: no KMS, no email.
 */
public final class Status {
    private final TwoFactorStore store;
    private final LockoutPolicy lockout;
    private final Clock clock;

    public Status(TwoFactorStore store, LockoutPolicy lockout, Clock clock) {
        this.store = store;
        this.lockout = lockout;
        this.clock = clock;
    }

    /**
     * @param pendingStage {@code "awaiting_activation"}, {@code "awaiting_confirmation"} or null
     * @param smsMaskedPhone the SMS factor's number, masked; null when SMS is off
     * @param retryAfterSeconds seconds until the next attempt is allowed, 0 when open
     * @param enrollmentRequired the user's organisation requires 2FA and the user has no factor
     * @param webauthnNames the names of the user's security keys and passkeys, newest first
     */
    public record View(
            boolean totpEnabled,
            String pendingStage,
            int recoveryCodesRemaining,
            boolean smsEnabled,
            String smsMaskedPhone,
            boolean locked,
            long retryAfterSeconds,
            boolean enrollmentRequired,
            List<String> webauthnNames) {

        public boolean webauthnEnabled() {
            return !webauthnNames.isEmpty();
        }
    }

    public View of(Principal principal) {
        Instant now = clock.instant();
        String userId = principal.userId();
        Account account = store.findAccount(userId).orElse(Account.empty(userId));
        Optional<PendingEnrollment> pending =
                account.totpEnabled() ? Optional.empty() : store.findPendingEnrollment(userId, now);
        int remaining = account.totpEnabled() ? store.countRecoveryCodes(userId) : 0;
        LockState state = lockout.evaluate(account.consecutiveFailures(), account.lastFailureAt(), now);
        long retryAfter = state instanceof LockState.Throttled t ? t.retryAfterSeconds(now) : 0;
        return new View(
                account.totpEnabled(),
                pending.map(p -> p.stage().name().toLowerCase(java.util.Locale.ROOT))
                        .orElse(null),
                remaining,
                account.smsEnabled(),
                account.smsFactor().map(f -> f.maskedPhone()).orElse(null),
                state instanceof LockState.Locked,
                retryAfter,
                !account.hasAnyFactor() && OrgPolicies.mfaRequired(store, principal),
                account.webauthnEnabled()
                        ? store.webauthnCredentials(userId).stream()
                                .sorted(Comparator.comparing(WebAuthnCredential::createdAt)
                                        .reversed())
                                .map(WebAuthnCredential::name)
                                .toList()
                        : List.of());
    }
}
