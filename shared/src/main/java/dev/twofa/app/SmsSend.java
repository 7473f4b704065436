package dev.twofa.app;

import static dev.twofa.app.common.Factors.SMS;

import dev.twofa.app.api.Credential;
import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException.InvalidRequest;
import dev.twofa.app.api.TwoFactorException.WrongState;
import dev.twofa.app.common.AttemptGuard;
import dev.twofa.app.common.CodeVerifier;
import dev.twofa.app.common.OrgPolicies;
import dev.twofa.app.common.SmsSendLimiter;
import dev.twofa.app.common.StepUp;
import dev.twofa.config.SmsSettings;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.account.SmsChallenge;
import dev.twofa.domain.account.SmsFactor;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.domain.sms.PhoneNumber;
import dev.twofa.domain.sms.PhoneNumbers;
import dev.twofa.domain.sms.SendRateLimit;
import dev.twofa.domain.sms.SmsCodes;
import dev.twofa.domain.sms.SmsPurpose;
import dev.twofa.port.DependencyException;
import dev.twofa.port.KeyedHash;
import dev.twofa.port.SecretCipher;
import dev.twofa.port.SecretContext;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.SmsRejectedException;
import dev.twofa.port.SmsSender;
import dev.twofa.port.TwoFactorStore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sends a 6-digit code by SMS for one purpose: enabling with a new number, signing in, or
 * disabling. Each send replaces the previous code. Sends are limited per user, per number, per
 * country and for the whole service (SMS pumping, {@link SmsSendLimiter}) before anything reaches SNS.
 */
public final class SmsSend {

    private final TwoFactorStore store;
    private final SecretCipher cipher;
    private final KeyedHash keyedHash;
    private final SmsSender sms;
    private final AttemptGuard guard;
    private final StepUp stepUp;
    private final SecurityEvents events;
    private final SecureRandom random;
    private final Clock clock;
    private final SmsSettings settings;
    private final SmsCodes codes;
    private final SmsSendLimiter limiter;

    public SmsSend(
            TwoFactorStore store,
            SecretCipher cipher,
            KeyedHash keyedHash,
            SmsSender sms,
            AttemptGuard guard,
            StepUp stepUp,
            SecurityEvents events,
            SecureRandom random,
            Clock clock,
            SmsSettings settings) {
        this.store = store;
        this.cipher = cipher;
        this.keyedHash = keyedHash;
        this.sms = sms;
        this.guard = guard;
        this.stepUp = stepUp;
        this.events = events;
        this.random = random;
        this.clock = clock;
        this.settings = settings;
        this.codes = new SmsCodes(random);
        this.limiter = new SmsSendLimiter(
                store,
                events,
                new SendRateLimit(settings.limits()),
                settings.accountBudget(),
                settings.countryBudget(),
                random);
    }

    public record Sent(String maskedPhone, long expiresInSeconds) {}

    /** @param proof a proof of an existing factor, needed to enable SMS while the app is on (step-up) */
    public Sent send(Principal principal, SmsPurpose purpose, Optional<String> phoneInput, Optional<Credential> proof) {
        Instant now = clock.instant();
        String userId = principal.userId();
        Account account = store.findAccount(userId).orElse(Account.empty(userId));

        byte[] phoneCiphertext;
        PhoneNumber phone;
        String masked;
        Optional<CodeVerifier.Proof> checked = Optional.empty();
        if (purpose == SmsPurpose.ENABLE) {
            if (account.smsEnabled()) {
                throw new WrongState("Text message (SMS) is already on; turn it off to change the number");
            }
            String input = phoneInput.orElseThrow(() -> new InvalidRequest(
                    "phoneNumber", "Enter your mobile number in international format, e.g. +45 20 12 34 56."));
            phone = settings.phoneNumbers().parse(input);
            // No number is bound with the password alone while the app is on. The proof is checked
            // here and spent with the challenge, after the SMS left (commit last).
            checked = account.hasAnyFactor()
                    ? Optional.of(stepUp.check(principal, account, proof, now))
                    : Optional.empty();
            masked = phone.masked();
            phoneCiphertext =
                    cipher.encrypt(phone.e164().getBytes(StandardCharsets.US_ASCII), SecretContext.smsPhone(userId));
        } else {
            if (phoneInput.isPresent()) {
                throw new InvalidRequest("phoneNumber", "The number is only sent when turning on text message (SMS).");
            }
            SmsFactor factor = account.smsFactor().orElseThrow(() -> new WrongState("Text message (SMS) is not on"));
            if (purpose == SmsPurpose.DISABLE) {
                OrgPolicies.ensureMayRemove(store, principal, account.totpEnabled() || account.webauthnEnabled());
            }
            guard.ensureOpen(account, now);
            phoneCiphertext = factor.phoneCiphertext();
            // The country (for its budget) comes from the enrolled number itself.
            phone = PhoneNumbers.stored(new String(
                    cipher.decrypt(phoneCiphertext, SecretContext.smsPhone(userId)), StandardCharsets.US_ASCII));
            masked = factor.maskedPhone();
        }

        // Every limit before SNS is called; a refusal leaves none of them spent, and so does a fault
        // before or in the send (a 5xx spends nothing the user needs: they may retry at once).
        SmsSendLimiter.Taken taken = limiter.take(principal, purpose, phoneHash(phone.e164()), phone.region(), now);

        String code = codes.newCode();
        String challengeId = newId();
        Instant expiresAt = now.plus(settings.codeLifetime());
        byte[] codeHash;
        try {
            codeHash = keyedHash.mac(SmsCodes.macInput(code, purpose, userId, challengeId));
        } catch (RuntimeException fault) {
            taken.giveBack(fault);
            throw fault;
        }
        // Commit last: the SMS leaves before anything is stored or spent. A failed send leaves the
        // earlier code and the proof as they were; a failed store after it leaves a code that never
        // works (its challenge was not stored) and the proof unspent.
        try {
            sms.send(phone.e164(), text(purpose, code));
        } catch (SmsRejectedException | DependencyException e) {
            events.record(
                    principal.event("sms_send_failed", SMS, now, Map.of("to", masked, "purpose", purpose.apiName())));
            // A fault gives the sends back; a refusal (opted out, not a mobile) keeps them spent, or a
            // loop on a refused number would call SNS without limit.
            if (e instanceof DependencyException) {
                taken.giveBack(e);
            }
            throw e;
        }
        SmsChallenge challenge = new SmsChallenge(
                userId,
                challengeId,
                purpose,
                codeHash,
                purpose == SmsPurpose.ENABLE ? phoneCiphertext : null,
                masked,
                0,
                expiresAt,
                checked.isPresent());
        List<SecurityEvent> audit = new ArrayList<>();
        checked.ifPresent(c -> audit.addAll(stepUp.spendEvents(principal, c, now)));
        boolean stored;
        try {
            stored = store.putSmsChallenge(challenge, checked.map(CodeVerifier.Proof::spend), now, audit);
        } catch (RuntimeException fault) {
            taken.giveBackWaits(fault);
            throw fault;
        }
        if (!stored) {
            // Only a spend can be refused; the SMS left, so its sends stay taken.
            CodeVerifier.Proof spent = checked.orElseThrow();
            throw stepUp.refused(
                    principal,
                    account,
                    spent,
                    now,
                    current -> current.smsEnabled()
                            ? Optional.of(new WrongState("Text message (SMS) is already on"))
                            : Optional.empty());
        }
        audit.forEach(events::committed);
        events.record(principal.event(
                "sms_sent", SMS, now, Map.of("to", masked, "purpose", purpose.apiName(), "country", phone.region())));
        return new Sent(masked, settings.codeLifetime().toSeconds());
    }

    /**
     * The number as its rate-limit keys name it: a keyed hash, so the table does not hold phone
     * numbers in a form anyone could reverse by hashing all numbers.
     */
    private String phoneHash(String e164) {
        byte[] mac = keyedHash.mac(("sms-rate-limit\0" + e164).getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
    }

    private String text(SmsPurpose purpose, String code) {
        String what =
                switch (purpose) {
                    case ENABLE -> "to turn on text message (SMS) codes";
                    case LOGIN -> "to sign in";
                    case DISABLE -> "to turn off text message (SMS) codes";
                };
        return "%s: %s is your code %s. It expires in %d minutes. We will never ask you for it; do not share it."
                .formatted(
                        settings.appName(), code, what, settings.codeLifetime().toMinutes());
    }

    private String newId() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }
}
