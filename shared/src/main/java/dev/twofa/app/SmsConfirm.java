package dev.twofa.app;

import dev.twofa.app.api.Credential;
import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException;
import dev.twofa.app.api.TwoFactorException.WrongState;
import dev.twofa.app.common.AssertionIssuer;
import dev.twofa.app.common.Attempt;
import dev.twofa.app.common.AttemptGuard;
import dev.twofa.app.common.CodeVerifier;
import dev.twofa.app.common.Factors;
import dev.twofa.app.common.Notifications;
import dev.twofa.app.common.OrgPolicies;
import dev.twofa.app.common.Recipients;
import dev.twofa.app.common.SmsSendLimiter;
import dev.twofa.app.common.StepUp;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.account.SmsChallenge;
import dev.twofa.domain.account.SmsFactor;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.domain.sms.SmsCodes;
import dev.twofa.domain.sms.SmsPurpose;
import dev.twofa.port.DependencyException;
import dev.twofa.port.KeyedHash;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.TwoFactorStore;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks the code from the SMS and does what it was sent for. A code works once, for its own
 * purpose only, within its lifetime, and is checked at most {@link SmsCodes#MAX_CHECKS} times;
 * every check goes through the user's lockout shared with the authenticator app. Turning SMS off
 * also takes another proof instead of the SMS code (step-up: a recovery code or a fresh assertion).
 */
public final class SmsConfirm {
    private final TwoFactorStore store;
    private final KeyedHash keyedHash;
    private final AttemptGuard guard;
    private final StepUp stepUp;
    private final Notifications notifications;
    private final SecurityEvents events;
    private final AssertionIssuer assertions;
    private final Clock clock;

    public SmsConfirm(
            TwoFactorStore store,
            KeyedHash keyedHash,
            AttemptGuard guard,
            StepUp stepUp,
            Notifications notifications,
            SecurityEvents events,
            AssertionIssuer assertions,
            Clock clock) {
        this.store = store;
        this.keyedHash = keyedHash;
        this.guard = guard;
        this.stepUp = stepUp;
        this.notifications = notifications;
        this.events = events;
        this.assertions = assertions;
        this.clock = clock;
    }

    /**
     * @param maskedPhone the number the factor now uses (enable)
     * @param assertion the signed MFA result (login)
     */
    public record Confirmed(Optional<String> maskedPhone, Optional<String> assertion) {}

    /** @param nonce the relying backend's value for this sign-in (login only), put into the assertion */
    public Confirmed confirm(Principal principal, SmsPurpose purpose, String code, Optional<String> nonce) {
        Instant now = clock.instant();
        String userId = principal.userId();
        Account account = store.findAccount(userId).orElse(Account.empty(userId));
        if (purpose == SmsPurpose.ENABLE && account.smsEnabled()) {
            throw new WrongState("Text message (SMS) is already on");
        }
        if (purpose != SmsPurpose.ENABLE && !account.smsEnabled()) {
            throw new WrongState("Text message (SMS) is not on");
        }
        Attempt attempt =
                switch (purpose) {
                    case ENABLE -> Attempt.SETUP;
                    case LOGIN -> Attempt.SIGN_IN;
                    case DISABLE -> Attempt.CHANGE;
                };
        boolean mustKeepAnother = purpose == SmsPurpose.DISABLE
                && OrgPolicies.ensureMayRemove(store, principal, account.totpEnabled() || account.webauthnEnabled());
        guard.ensureOpen(account, now);

        SmsChallenge challenge = store.findSmsChallenge(userId, now)
                .orElseThrow(() -> guard.fail(principal, account, Factors.SMS, now, "no valid SMS code", attempt));
        if (purpose == SmsPurpose.ENABLE && !challenge.steppedUp() && account.hasAnyFactor()) {
            // Sent while the account had no factor; the app came on since. Sending again asks for a proof.
            throw new WrongState("the authenticator app was turned on since this code was sent; ask for a new code");
        }
        // Hashed before a check is reserved: a KMS fault (503) must not use up one of the code's checks.
        byte[] presented = keyedHash.mac(SmsCodes.macInput(code, purpose, userId, challenge.challengeId()));
        // The check is spent before the comparison, so parallel guesses cannot exceed the limit.
        if (!store.reserveSmsCheck(userId, challenge.challengeId(), SmsCodes.MAX_CHECKS, now)) {
            throw guard.fail(principal, account, Factors.SMS, now, "SMS code has no checks left", attempt);
        }
        // A code sent for another purpose hashes differently, so it fails here like a wrong one.
        if (challenge.purpose() != purpose || !MessageDigest.isEqual(presented, challenge.codeHash())) {
            throw guard.fail(principal, account, Factors.SMS, now, "wrong SMS code", attempt);
        }

        int seen = account.consecutiveFailures();
        return switch (purpose) {
            case ENABLE -> {
                SmsFactor factor = new SmsFactor(challenge.phoneCiphertext(), challenge.maskedPhone(), now);
                // The verified address is stored at every enrolment, SMS too: notices need one on file.
                String email = principal.emailAddress().orElse(null);
                consumed(
                        store.enableSms(challenge, factor, email, seen),
                        principal,
                        account,
                        now,
                        attempt,
                        current -> !challenge.steppedUp() && (current.totpEnabled() || current.webauthnEnabled())
                                ? Optional.of(new WrongState(
                                        "the authenticator app was turned on meanwhile; ask for a new code"))
                                : Optional.empty());
                events.record(principal.event("sms_enabled", Factors.SMS, now, Map.of("to", challenge.maskedPhone())));
                freeNextSend(userId);
                notifications.smsEnabled(Recipients.of(principal, account), challenge.maskedPhone());
                yield new Confirmed(Optional.of(challenge.maskedPhone()), Optional.empty());
            }
            case LOGIN -> {
                // Commit last: signed (KMS Sign can fail) before the transaction that spends the code.
                String assertion = assertions.issue(principal, Factors.SMS, now, nonce);
                // Written with the spent challenge, in one transaction: no sign-in without its audit item.
                SecurityEvent signedIn = principal.event("verify_succeeded", Factors.SMS, now);
                consumed(
                        store.consumeSmsLogin(challenge, seen, List.of(signedIn)),
                        principal,
                        account,
                        now,
                        attempt,
                        current -> Optional.empty());
                events.committed(signedIn);
                yield new Confirmed(Optional.empty(), Optional.of(assertion));
            }
            case DISABLE -> {
                consumed(
                        store.disableSms(challenge, mustKeepAnother, seen),
                        principal,
                        account,
                        now,
                        attempt,
                        current -> mustKeepAnother && !current.totpEnabled() && !current.webauthnEnabled()
                                ? Optional.of(new WrongState("your organisation requires two-factor authentication"
                                        + " and the authenticator app was turned off meanwhile"))
                                : Optional.empty());
                disabled(principal, account, challenge.maskedPhone(), now);
                yield new Confirmed(Optional.empty(), Optional.empty());
            }
        };
    }

    /**
     * The enable code did its job: the first sign-in code may follow at once (issue 15). SMS is on
     * already, so a DynamoDB fault here only leaves the usual interval in place, never fails the request.
     */
    private void freeNextSend(String userId) {
        try {
            SmsSendLimiter.freeNextSend(store, userId);
        } catch (DependencyException e) {
            // The interval holds: the next send waits at most SendLimits.minInterval().
        }
    }

    /** Turns SMS off with a proof other than an SMS code: a recovery code or a fresh sign-in assertion. */
    public void disableWithProof(Principal principal, Credential proof) {
        Instant now = clock.instant();
        String userId = principal.userId();
        Account account = store.findAccount(userId).orElse(Account.empty(userId));
        SmsFactor factor = account.smsFactor().orElseThrow(() -> new WrongState("Text message (SMS) is not on"));
        boolean mustKeepAnother =
                OrgPolicies.ensureMayRemove(store, principal, account.totpEnabled() || account.webauthnEnabled());
        CodeVerifier.Proof checked = stepUp.check(principal, account, Optional.of(proof), now);
        // Commit last: the proof is spent in the transaction that removes the factor, with its audit items.
        List<SecurityEvent> audit = new ArrayList<>(stepUp.spendEvents(principal, checked, now));
        audit.add(principal.event("sms_disabled", Factors.SMS, now));
        if (!store.removeSms(userId, mustKeepAnother, checked.spend(), now, audit)) {
            throw stepUp.refused(
                    principal,
                    account,
                    checked,
                    now,
                    current -> !current.smsEnabled()
                                    || (mustKeepAnother && !current.totpEnabled() && !current.webauthnEnabled())
                            ? Optional.of(new WrongState("Text message (SMS) was changed meanwhile"))
                            : Optional.empty());
        }
        audit.forEach(events::committed);
        notifications.smsDisabled(Recipients.of(principal, account), factor.maskedPhone());
    }

    private void disabled(Principal principal, Account account, String maskedPhone, Instant now) {
        events.record(principal.event("sms_disabled", Factors.SMS, now));
        notifications.smsDisabled(Recipients.of(principal, account), maskedPhone);
    }

    /**
     * Losing the consuming transaction means a failure was counted meanwhile, the other factor
     * changed meanwhile ({@code factorChange} names that from the account as it is now), or another
     * request used this code first: a replay.
     */
    private void consumed(
            boolean won,
            Principal principal,
            Account account,
            Instant now,
            Attempt attempt,
            Function<Account, Optional<TwoFactorException>> factorChange) {
        if (!won) {
            throw guard.lostRace(principal, account, now, current -> factorChange
                    .apply(current)
                    .orElseGet(() -> {
                        events.record(principal.event(
                                "replay_refused", Factors.SMS, now, Map.of(Attempt.DETAIL, attempt.detail())));
                        notifications.replayRefused(Recipients.of(principal, account), now);
                        return guard.fail(principal, account, Factors.SMS, now, "SMS code already used", attempt);
                    }));
        }
    }
}
