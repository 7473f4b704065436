package dev.twofa.app;

import dev.twofa.port.DependencyException;
import dev.twofa.port.Mailer;
import dev.twofa.port.Mailer.Email;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The emails the flows send. OWASP MFA cheat sheet: tell the user when 2FA is enabled, disabled,
 * or a recovery code is used, so an attacker's change does not go unnoticed. Texts never carry a
 * code or secret; only the activation email carries its (single-use) link.
 */
public final class Notifications {
    private final Mailer mailer;
    private final SecurityEvents events;
    private final Clock clock;

    public Notifications(Mailer mailer, SecurityEvents events, Clock clock) {
        this.mailer = mailer;
        this.events = events;
        this.clock = clock;
    }

    /** The activation email is the flow itself: a failure must reach the caller. */
    public void sendActivationLink(String to, String link, Duration validFor) {
        mailer.send(new Email(
                to,
                "Activate two-factor authentication",
                """
                You asked to turn on two-factor authentication with an authenticator app.

                Open this link to continue (it works once and expires in %d minutes):
                %s

                If you did not ask for this, ignore this email; nothing changes until the link is used.
                """
                        .formatted(validFor.toMinutes(), link)));
    }

    public void totpEnabled(String userId, String to) {
        notifyQuietly(
                userId,
                to,
                "Two-factor authentication is on",
                """
                Two-factor authentication with an authenticator app is now on for your account.

                Keep your recovery codes somewhere safe. If this was not you, contact support now.
                """);
    }

    public void totpDisabled(String userId, String to) {
        notifyQuietly(
                userId,
                to,
                "Two-factor authentication was turned off",
                """
                Two-factor authentication with an authenticator app was turned off for your account,
                and its recovery codes were deleted.

                If this was not you, change your password and contact support now.
                """);
    }

    public void smsEnabled(String userId, String to, String maskedPhone) {
        notifyQuietly(
                userId,
                to,
                "SMS verification is on",
                """
                Two-step verification by text message is now on for your account, with the number %s.

                If this was not you, contact support now.
                """
                        .formatted(maskedPhone));
    }

    public void smsDisabled(String userId, String to, String maskedPhone) {
        notifyQuietly(
                userId,
                to,
                "SMS verification was turned off",
                """
                Two-step verification by text message was turned off for your account, and the number %s
                was removed.

                If this was not you, change your password and contact support now.
                """
                        .formatted(maskedPhone));
    }

    public void recoveryCodeUsed(String userId, String to, int remaining) {
        notifyQuietly(
                userId,
                to,
                "A recovery code was used to sign in",
                """
                One of your recovery codes was just used to sign in. You have %d left.

                If this was not you, change your password and contact support now.
                """
                        .formatted(remaining));
    }

    public void recoveryCodesLow(String userId, String to, int remaining) {
        notifyQuietly(
                userId,
                to,
                "You are running out of recovery codes",
                """
                You have %d recovery code(s) left. Generate a new set in Settings > Security so you can
                still sign in if you lose your phone.
                """
                        .formatted(remaining));
    }

    public void recoveryCodesRegenerated(String userId, String to) {
        notifyQuietly(
                userId,
                to,
                "Your recovery codes were replaced",
                """
                A new set of recovery codes was generated for your account; the old codes no longer work.

                If this was not you, change your password and contact support now.
                """);
    }

    public void supportReset(String userId, String to) {
        notifyQuietly(
                userId,
                to,
                "Two-factor authentication was reset by support",
                """
                At your request, our support team turned off two-factor authentication for your account
                and removed its authenticator app, phone number and recovery codes.

                Turn it on again in Settings > Security. If you did not ask for this, contact support now.
                """);
    }

    /**
     * Notices after a committed change are best effort: the change stands whether or not the email
     * goes out (answering 503 would make the user retry a step that already happened), so a
     * failure is recorded for operators instead.
     */
    private void notifyQuietly(String userId, String to, String subject, String body) {
        if (to == null || to.isBlank()) {
            events.record(operational("notification_skipped", userId, Map.of("subject", subject)));
            return;
        }
        try {
            mailer.send(new Email(to, subject, body));
        } catch (DependencyException e) {
            events.record(operational("notification_failed", userId, Map.of("subject", subject)));
        }
    }

    private SecurityEvent operational(String type, String userId, Map<String, String> details) {
        return new SecurityEvent(type, userId, null, clock.instant(), null, null, details);
    }
}
