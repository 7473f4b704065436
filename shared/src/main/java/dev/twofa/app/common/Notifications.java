package dev.twofa.app.common;

import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.port.DependencyException;
import dev.twofa.port.Mailer;
import dev.twofa.port.Mailer.Email;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.TwoFactorStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The emails the flows send. OWASP MFA cheat sheet: tell the user when 2FA is enabled, disabled,
 * or a recovery code is used, and when a factor fails (the password is likely known), so an
 * attacker's change does not go unnoticed. Notices go to the address on file and the current
 * verified one ({@link Recipients}). Texts never carry a code or secret; only the activation email
 * carries its (single-use) link. Notices an attacker can trigger at will are limited to one per
 * kind per hour per user, so they cannot flood an inbox through us.
 */
public final class Notifications {
    /** At most one notice of a repeatable kind (waits, locks, replays) per user in this period. */
    public static final Duration REPEATABLE_NOTICE_PERIOD = Duration.ofHours(1);

    private final Mailer mailer;
    private final TwoFactorStore store;
    private final SecurityEvents events;
    private final Clock clock;

    public Notifications(Mailer mailer, TwoFactorStore store, SecurityEvents events, Clock clock) {
        this.mailer = mailer;
        this.store = store;
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

    public void totpEnabled(Recipients to) {
        notifyQuietly(
                to,
                "Two-factor authentication is on",
                """
                Two-factor authentication with an authenticator app is now on for your account.

                Keep your recovery codes somewhere safe. If this was not you, contact support now.
                """);
    }

    public void totpDisabled(Recipients to) {
        notifyQuietly(
                to,
                "Authenticator app turned off for two-factor authentication",
                """
                The authenticator app was turned off for two-factor authentication on your account, and
                its recovery codes were deleted.

                If this was not you, change your password and contact support now.
                """);
    }

    public void smsEnabled(Recipients to, String maskedPhone) {
        notifyQuietly(
                to,
                "Text message (SMS) turned on for two-factor authentication",
                """
                Two-factor authentication by text message (SMS) is now on for your account, with the
                number %s.

                If this was not you, contact support now.
                """
                        .formatted(maskedPhone));
    }

    public void smsDisabled(Recipients to, String maskedPhone) {
        notifyQuietly(
                to,
                "Text message (SMS) turned off for two-factor authentication",
                """
                Two-factor authentication by text message (SMS) was turned off for your account, and the
                number %s was removed.

                If this was not you, change your password and contact support now.
                """
                        .formatted(maskedPhone));
    }

    /** A browser was remembered: from then on its sign-in step needs no code, so the user must know. */
    public void deviceRemembered(Recipients to, String deviceName, Instant until) {
        notifyQuietly(
                to,
                "A device was remembered for two-factor authentication",
                """
                A browser (%s) was remembered for your account after it passed two-factor
                authentication: until %s, signing in there needs no code.

                If this was not you, forget all devices in Settings > Security, change your password
                and contact support now.
                """
                        .formatted(deviceName, until.toString().substring(0, 10)));
    }

    /** A security key or passkey was added: a new way through the second step, so the user must know. */
    public void webauthnRegistered(Recipients to, String name) {
        notifyQuietly(
                to,
                "Security key added for two-factor authentication",
                """
                A security key or passkey (%s) was added to your account for two-factor authentication.

                If this was not you, remove it in Settings > Security, change your password and
                contact support now.
                """
                        .formatted(name));
    }

    /** A security key or passkey was removed. */
    public void webauthnRemoved(Recipients to, String name) {
        notifyQuietly(
                to,
                "Security key removed from two-factor authentication",
                """
                A security key or passkey (%s) was removed from your account's two-factor authentication.

                If this was not you, change your password and contact support now.
                """
                        .formatted(name));
    }

    public void recoveryCodeUsed(Recipients to, int remaining) {
        notifyQuietly(
                to,
                "A recovery code was used to sign in",
                """
                One of your recovery codes was just used to sign in. You have %d left.

                If this was not you, change your password and contact support now.
                """
                        .formatted(remaining));
    }

    public void recoveryCodesLow(Recipients to, int remaining) {
        notifyQuietly(
                to,
                "You are running out of recovery codes",
                """
                You have %d recovery code(s) left. Generate a new set in Settings > Security so you can
                still sign in if you lose your phone.
                """
                        .formatted(remaining));
    }

    public void recoveryCodesRegenerated(Recipients to) {
        notifyQuietly(
                to,
                "Your recovery codes were replaced",
                """
                A new set of recovery codes was generated for your account; the old codes no longer work.

                If this was not you, change your password and contact support now.
                """);
    }

    public void supportReset(Recipients to) {
        notifyQuietly(
                to,
                "Two-factor authentication was reset by support",
                """
                At your request, our support team turned off two-factor authentication for your account
                and removed its authenticator app, phone number and recovery codes.

                Turn it on again in Settings > Security. If you did not ask for this, contact support now.
                """);
    }

    public void signInWaitStarted(Recipients to, Instant now) {
        notifyLimited(
                "sign-in-wait",
                to,
                now,
                "Several wrong sign-in codes for your account",
                """
                Someone entered several wrong two-factor codes for your account, so further attempts now
                have to wait. To get that far they needed your password.

                If this was not you, change your password now and contact support.
                """);
    }

    public void factorLocked(Recipients to, Instant now) {
        notifyLimited(
                "factor-locked",
                to,
                now,
                "Two-factor sign-in to your account is locked",
                """
                After too many wrong two-factor codes, signing in to your account is locked until our
                support team unlocks it. Whoever tried knew your password.

                Change your password now and contact support.
                """);
    }

    public void replayRefused(Recipients to, Instant now) {
        notifyLimited(
                "replayed-code",
                to,
                now,
                "A used sign-in code was tried again",
                """
                A two-factor code that had already been used was entered again for your account, and it was
                refused. This can mean someone watched or intercepted your code.

                If this was not you, change your password and contact support.
                """);
    }

    /** A notice an attacker can trigger repeatedly: one per kind per hour, then only the audit event. */
    private void notifyLimited(String kind, Recipients to, Instant now, String subject, String body) {
        try {
            if (!store.claimNotice(to.userId(), kind, now.plus(REPEATABLE_NOTICE_PERIOD), now)) {
                events.record(operational("notification_limited", to.userId(), Map.of("kind", kind)));
                return;
            }
        } catch (DependencyException e) {
            // Best effort like every notice: the answer the user is owed does not wait on it.
            events.record(operational("notification_failed", to.userId(), Map.of("subject", subject)));
            return;
        }
        notifyQuietly(to, subject, body);
    }

    /**
     * Notices after a committed change are best effort: the change stands whether or not the email
     * goes out (answering 503 would make the user retry a step that already happened), so a
     * failure is recorded for operators instead.
     */
    private void notifyQuietly(Recipients to, String subject, String body) {
        if (to.addresses().isEmpty()) {
            events.record(operational("notification_skipped", to.userId(), Map.of("subject", subject)));
            return;
        }
        for (String address : to.addresses()) {
            try {
                mailer.send(new Email(address, subject, body));
            } catch (DependencyException e) {
                events.record(operational("notification_failed", to.userId(), Map.of("subject", subject)));
            }
        }
    }

    private SecurityEvent operational(String type, String userId, Map<String, String> details) {
        return new SecurityEvent(type, userId, null, clock.instant(), null, null, details);
    }
}
