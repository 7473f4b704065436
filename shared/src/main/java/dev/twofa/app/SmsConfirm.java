package dev.twofa.app;

import dev.twofa.app.TwoFactorException.WrongState;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.account.SmsChallenge;
import dev.twofa.domain.account.SmsFactor;
import dev.twofa.domain.sms.SmsCodes;
import dev.twofa.domain.sms.SmsPurpose;
import dev.twofa.port.KeyedHash;
import dev.twofa.port.TwoFactorStore;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the code from the SMS and does what it was sent for. A code works once, for its own
 * purpose only, within its lifetime, and is checked at most {@link SmsCodes#MAX_CHECKS} times;
 * every failure counts toward the user's lockout shared with the authenticator app.
 */
public final class SmsConfirm {
    private final TwoFactorStore store;
    private final KeyedHash keyedHash;
    private final AttemptGuard guard;
    private final Notifications notifications;
    private final SecurityEvents events;
    private final AssertionIssuer assertions;
    private final Clock clock;

    public SmsConfirm(
            TwoFactorStore store,
            KeyedHash keyedHash,
            AttemptGuard guard,
            Notifications notifications,
            SecurityEvents events,
            AssertionIssuer assertions,
            Clock clock) {
        this.store = store;
        this.keyedHash = keyedHash;
        this.guard = guard;
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

    public Confirmed confirm(Principal principal, SmsPurpose purpose, String code) {
        Instant now = clock.instant();
        String userId = principal.userId();
        Account account = store.findAccount(userId).orElse(Account.empty(userId));
        if (purpose == SmsPurpose.ENABLE && account.smsEnabled()) {
            throw new WrongState("SMS two-step verification is already on");
        }
        if (purpose != SmsPurpose.ENABLE && !account.smsEnabled()) {
            throw new WrongState("SMS two-step verification is not on");
        }
        if (purpose == SmsPurpose.DISABLE) {
            OrgPolicies.ensureMayRemove(store, principal, account.totpEnabled());
        }
        guard.ensureOpen(account, now);

        SmsChallenge challenge = store.findSmsChallenge(userId, now)
                .orElseThrow(() -> guard.fail(principal, SmsSend.SMS, now, "no valid SMS code"));
        // The check is spent before the comparison, so parallel guesses cannot exceed the limit.
        if (!store.reserveSmsCheck(userId, challenge.challengeId(), SmsCodes.MAX_CHECKS, now)) {
            throw guard.fail(principal, SmsSend.SMS, now, "SMS code has no checks left");
        }
        byte[] presented = keyedHash.mac(SmsCodes.macInput(code, purpose, userId, challenge.challengeId()));
        // A code sent for another purpose hashes differently, so it fails here like a wrong one.
        if (challenge.purpose() != purpose || !MessageDigest.isEqual(presented, challenge.codeHash())) {
            throw guard.fail(principal, SmsSend.SMS, now, "wrong SMS code");
        }

        return switch (purpose) {
            case ENABLE -> {
                SmsFactor factor = new SmsFactor(challenge.phoneCiphertext(), challenge.maskedPhone(), now);
                consumed(
                        store.enableSms(
                                challenge, factor, principal.emailAddress().orElse(null)),
                        principal,
                        now);
                events.record(SecurityEvent.of(
                        principal, "sms_enabled", SmsSend.SMS, now, Map.of("to", challenge.maskedPhone())));
                notifications.smsEnabled(userId, principal.emailOr(account.email()), challenge.maskedPhone());
                yield new Confirmed(Optional.of(challenge.maskedPhone()), Optional.empty());
            }
            case LOGIN -> {
                consumed(store.consumeSmsLogin(challenge), principal, now);
                events.record(SecurityEvent.of(principal, "verify_succeeded", SmsSend.SMS, now));
                yield new Confirmed(Optional.empty(), Optional.of(assertions.issue(principal, SmsSend.SMS, now)));
            }
            case DISABLE -> {
                consumed(store.disableSms(challenge), principal, now);
                events.record(SecurityEvent.of(principal, "sms_disabled", SmsSend.SMS, now));
                notifications.smsDisabled(userId, principal.emailOr(account.email()), challenge.maskedPhone());
                yield new Confirmed(Optional.empty(), Optional.empty());
            }
        };
    }

    /** Losing the consuming transaction means another request used this code first: a replay. */
    private void consumed(boolean won, Principal principal, Instant now) {
        if (!won) {
            events.record(SecurityEvent.of(principal, "replay_refused", SmsSend.SMS, now));
            throw guard.fail(principal, SmsSend.SMS, now, "SMS code already used");
        }
    }
}
