package dev.twofa.app;

import dev.twofa.app.TwoFactorException.EmailNotVerified;
import dev.twofa.app.TwoFactorException.WrongState;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.enrollment.ActivationGrant;
import dev.twofa.domain.enrollment.ActivationToken;
import dev.twofa.domain.enrollment.PendingEnrollment;
import dev.twofa.domain.sms.SendLimits;
import dev.twofa.port.DependencyException;
import dev.twofa.port.TwoFactorStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

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
        // A request without its proof (403) must not use up an email; one with a proof that then
        // finds no room has spent it (the user waits anyway, and takes a new code after).
        boolean steppedUp = stepUp.require(principal, account, proof, now);
        String emailKey = "MAILRATE#USER#" + userId;
        emails.spend(emailKey, now);

        String token = ActivationToken.generate(random);
        Instant expiresAt = now.plus(settings.activationTtl());
        PendingEnrollment pending = PendingEnrollment.started(userId, newEnrollmentId(), email, expiresAt, steppedUp);
        ActivationGrant grant =
                new ActivationGrant(ActivationToken.hash(token), userId, pending.enrollmentId(), expiresAt);

        // Starting again replaces any pending enrollment, which voids links sent before.
        if (!store.startEnrollment(pending, grant)) {
            emails.giveBack(emailKey, now);
            throw new WrongState("the authenticator app is already enabled");
        }
        try {
            notifications.sendActivationLink(email, settings.activationLink(token), settings.activationTtl());
        } catch (DependencyException e) {
            // No partial state: a link nobody received must not stay valid, nor count as sent.
            store.abandonEnrollment(pending, grant);
            emails.giveBack(emailKey, now);
            throw e;
        }
        events.record(SecurityEvent.of(principal, "totp_enable_started", "totp", now));
    }

    private String newEnrollmentId() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }
}
