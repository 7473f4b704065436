package dev.twofa.app;

import dev.twofa.app.api.Operator;
import dev.twofa.app.api.TwoFactorException.InvalidRequest;
import dev.twofa.app.api.TwoFactorException.WrongState;
import dev.twofa.app.common.Notifications;
import dev.twofa.app.common.Recipients;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.TwoFactorStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * Support's reset after the user proved who they are (OWASP MFA cheat sheet): every factor off,
 * secrets, number and recovery codes deleted, the lock cleared, an audit record naming the
 * operator (their verified IAM ARN), reason and ticket, and an email to the address on file.
 * Reached only through the IAM-authorized operator route, never with a user's token.
 */
public final class SupportReset {
    /** The longest user id, reason, ticket or organisation id an operator may send. */
    public static final int MAX_TEXT = 500;

    private final TwoFactorStore store;
    private final Notifications notifications;
    private final SecurityEvents events;
    private final Clock clock;

    public SupportReset(TwoFactorStore store, Notifications notifications, SecurityEvents events, Clock clock) {
        this.store = store;
        this.notifications = notifications;
        this.events = events;
        this.clock = clock;
    }

    public record Request(String userId, String reason, String ticketId) {
        public Request {
            userId = required("userId", userId);
            reason = required("reason", reason);
            ticketId = required("ticketId", ticketId);
        }
    }

    public void reset(Request request, Operator operator) {
        Instant now = clock.instant();
        Account account = store.findAccount(request.userId())
                .orElseThrow(() -> new WrongState("no two-factor state exists for this user id"));
        if (!store.resetAccount(request.userId())) {
            throw new WrongState("no two-factor state exists for this user id");
        }
        events.record(new SecurityEvent(
                "support_reset",
                request.userId(),
                null,
                now,
                null,
                null,
                Map.of(
                        "operator", operator.arn(),
                        "apiRequestId", operator.requestId(),
                        "reason", request.reason(),
                        "ticketId", request.ticketId(),
                        "hadTotp", Boolean.toString(account.totpEnabled()),
                        "hadSms", Boolean.toString(account.smsEnabled()))));
        // The address on file, whichever factors the user had: the request names no address, and
        // the token of whoever asked support is not the user's.
        notifications.supportReset(Recipients.onFile(account));
    }

    static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidRequest(field, field + " is required");
        }
        // Characters as docs/openapi.yaml's maxLength counts them (code points, not UTF-16 units).
        if (value.codePointCount(0, value.length()) > MAX_TEXT) {
            throw new InvalidRequest(field, field + " is too long");
        }
        return value.strip();
    }
}
