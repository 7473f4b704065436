package dev.twofa.app;

import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException.InvalidRequest;
import dev.twofa.app.common.Attempt;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.domain.audit.UserAgent;
import dev.twofa.port.AuditTrail;
import java.util.List;
import java.util.Optional;

/** The caller's own recent security events, newest first, a page at a time. */
public final class Activity {
    public static final int DEFAULT_PAGE = 20;
    public static final int MAX_PAGE = 50;

    private final AuditTrail trail;

    public Activity(AuditTrail trail) {
        this.trail = trail;
    }

    /**
     * One line of the feed: the event, what the user was doing when a code failed ({@link Attempt}),
     * and the browser and system its User-Agent names.
     */
    public record Line(SecurityEvent event, Optional<String> during, UserAgent userAgent) {}

    public record Lines(List<Line> lines, Optional<String> next) {}

    /**
     * A page of the caller's events, one line per action: the recovery code spent by a sign-in is
     * already the line "signed in with a recovery code", so its own {@code recovery_code_used} item
     * (kept in the audit trail) is left out here. A page may hence be shorter than {@code limit}.
     */
    public Lines page(Principal principal, int limit, Optional<String> cursor) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidRequest("limit", "The limit must be between 1 and " + MAX_PAGE + ".");
        }
        AuditTrail.Page page;
        try {
            page = trail.recent(principal.userId(), limit, cursor);
        } catch (IllegalArgumentException badCursor) {
            throw new InvalidRequest("cursor", "The cursor is not valid; start again from the first page.");
        }
        List<Line> lines = page.events().stream()
                .filter(e -> !isPartOfASignIn(e))
                .map(e -> new Line(
                        e, Optional.ofNullable(e.details().get(Attempt.DETAIL)), UserAgent.parse(e.userAgent())))
                .toList();
        return new Lines(lines, page.next());
    }

    private static boolean isPartOfASignIn(SecurityEvent event) {
        return "recovery_code_used".equals(event.type())
                && Attempt.SIGN_IN.detail().equals(event.details().get(Attempt.DETAIL));
    }
}
