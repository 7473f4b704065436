package dev.twofa.app;

import dev.twofa.app.TwoFactorException.InvalidRequest;
import dev.twofa.app.TwoFactorException.WrongState;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.enrollment.ActivationGrant;
import dev.twofa.domain.enrollment.ActivationToken;
import dev.twofa.domain.enrollment.PendingEnrollment;
import dev.twofa.port.DependencyException;
import dev.twofa.port.TwoFactorStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;

/** "Enable 2FA": records a pending enrollment and emails a single-use activation link. */
public final class StartEnable {
    private final TwoFactorStore store;
    private final Notifications notifications;
    private final SecurityEvents events;
    private final SecureRandom random;
    private final Clock clock;
    private final TotpSettings settings;

    public StartEnable(
            TwoFactorStore store,
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
    }

    public void start(Principal principal) {
        Instant now = clock.instant();
        String userId = principal.userId();
        Account account = store.findAccount(userId).orElse(Account.empty(userId));
        if (account.totpEnabled()) {
            throw new WrongState("the authenticator app is already enabled");
        }
        String email = principal
                .emailAddress()
                .orElseThrow(() -> new InvalidRequest(
                        "email", "Your sign-in token carries no email address to send the activation link to."));

        String token = ActivationToken.generate(random);
        Instant expiresAt = now.plus(settings.activationTtl());
        PendingEnrollment pending = PendingEnrollment.started(userId, newEnrollmentId(), email, expiresAt);
        ActivationGrant grant =
                new ActivationGrant(ActivationToken.hash(token), userId, pending.enrollmentId(), expiresAt);

        // Starting again replaces any pending enrollment, which voids links sent before.
        if (!store.startEnrollment(pending, grant)) {
            throw new WrongState("the authenticator app is already enabled");
        }
        try {
            notifications.sendActivationLink(email, settings.activationLink(token), settings.activationTtl());
        } catch (DependencyException e) {
            // No partial state: a link nobody received must not stay valid.
            store.abandonEnrollment(pending, grant);
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
