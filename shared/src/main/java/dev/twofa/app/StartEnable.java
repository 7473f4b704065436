package dev.twofa.app;

import dev.twofa.app.api.Credential;
import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException;
import dev.twofa.app.api.TwoFactorException.EmailNotVerified;
import dev.twofa.app.api.TwoFactorException.WrongState;
import dev.twofa.app.common.CodeVerifier;
import dev.twofa.app.common.HistoryLimiter;
import dev.twofa.app.common.Notifications;
import dev.twofa.app.common.StepUp;
import dev.twofa.config.TotpSettings;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.domain.enrollment.ActivationGrant;
import dev.twofa.domain.enrollment.ActivationToken;
import dev.twofa.domain.enrollment.PendingEnrollment;
import dev.twofa.domain.sms.SendLimits;
import dev.twofa.port.DependencyException;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.TwoFactorStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * "Enable 2FA": records a pending enrollment and emails a single-use activation link, only to a
 * verified address, at most a few times an hour (an inbox must not be flooded through us). While
 * SMS is on, it needs a proof of it first (step-up).
 */
public final class StartEnable {
    /** Activation emails per user: five an hour, 30 s apart. */
    public static final SendLimits EMAIL_LIMITS = new SendLimits(5, Duration.ofHours(1), Duration.ofSeconds(30));

    private final TwoFactorStore store;
    private final Notifications notifications;
    private final SecurityEvents events;
    private final SecureRandom random;
    private final Clock clock;
    private final TotpSettings settings;
    private final StepUp stepUp;
    private final HistoryLimiter emails;

    public StartEnable(
            TwoFactorStore store,
            StepUp stepUp,
            Notifications notifications,
            SecurityEvents events,
            SecureRandom random,
            Clock clock,
            TotpSettings settings) {
        this.store = store;
        this.notifications = notifications;
        this.events = events;
        this.random = random;
        this.clock = clock;
        this.settings = settings;
        this.stepUp = stepUp;
        this.emails = new HistoryLimiter(store, EMAIL_LIMITS);
    }

    public void start(Principal principal, Optional<Credential> proof) {
        Instant now = clock.instant();
        String userId = principal.userId();
        Account account = store.findAccount(userId).orElse(Account.empty(userId));
        if (account.totpEnabled()) {
            throw new WrongState("the authenticator app is already enabled");
        }
        // The token's address only when the identity provider verified it; else the one on file.
        String email = principal
                .emailAddress()
                .or(() -> Optional.ofNullable(account.email()).filter(e -> !e.isBlank()))
                .orElseThrow(EmailNotVerified::new);
        // A request without its proof (403) must not use up an email; a proof is only checked here
        // and spent with the enrollment below, so a refusal (429) or a fault (503) leaves it usable.
        Optional<CodeVerifier.Proof> checked =
                account.hasAnyFactor() ? Optional.of(stepUp.check(principal, account, proof, now)) : Optional.empty();
        String emailKey = "MAILRATE#USER#" + userId;
        emails.spend(emailKey, now);

        String token = ActivationToken.generate(random);
        Instant expiresAt = now.plus(settings.activationTtl());
        PendingEnrollment pending =
                PendingEnrollment.started(userId, newEnrollmentId(), email, expiresAt, checked.isPresent());
        ActivationGrant grant =
                new ActivationGrant(ActivationToken.hash(token), userId, pending.enrollmentId(), expiresAt);

        // Commit last: the email goes out before anything is stored or spent. If it fails, nothing
        // was (the use of the email limit is given back); if the commit below fails, the link sent
        // is dead (its grant was never stored) and the proof is still usable for a retry.
        try {
            notifications.sendActivationLink(email, settings.activationLink(token), settings.activationTtl());
        } catch (RuntimeException e) {
            emails.giveBack(emailKey, now);
            throw e;
        }
        List<SecurityEvent> audit = new ArrayList<>();
        checked.ifPresent(c -> audit.addAll(stepUp.spendEvents(principal, c, now)));
        audit.add(principal.event("totp_enable_started", "totp", now));
        boolean stored;
        try {
            // Starting again replaces any pending enrollment, which voids links sent before.
            stored = store.startEnrollment(pending, grant, checked.map(CodeVerifier.Proof::spend), now, audit);
        } catch (DependencyException e) {
            // The email that went out carries a dead link: its use of the limit is given back.
            giveBackQuietly(emailKey, now);
            throw e;
        }
        if (!stored) {
            // The email went out, so its use of the limit stays spent.
            Function<Account, Optional<TwoFactorException>> changed = current -> current.totpEnabled()
                    ? Optional.of(new WrongState("the authenticator app is already enabled"))
                    : Optional.empty();
            throw checked.map(c -> stepUp.refused(principal, account, c, now, changed))
                    .orElseGet(() -> new WrongState("the authenticator app is already enabled"));
        }
        audit.forEach(events::committed);
    }

    /** After a fault of the store, giving back may fail the same way: the fault already answers 503. */
    private void giveBackQuietly(String emailKey, Instant now) {
        try {
            emails.giveBack(emailKey, now);
        } catch (DependencyException ignored) {
            // The use stays spent until its window passes, erring towards fewer emails.
        }
    }

    private String newEnrollmentId() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }
}
