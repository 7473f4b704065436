package dev.twofa.app;

import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException.InvalidRequest;
import dev.twofa.port.AuditTrail;
import java.util.Optional;

/** The caller's own recent security events, newest first, a page at a time. */
public final class Activity {
    public static final int DEFAULT_PAGE = 20;
    public static final int MAX_PAGE = 50;

    private final AuditTrail trail;

    public Activity(AuditTrail trail) {
        this.trail = trail;
    }

    public AuditTrail.Page page(Principal principal, int limit, Optional<String> cursor) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidRequest("limit", "The limit must be between 1 and " + MAX_PAGE + ".");
        }
        try {
            return trail.recent(principal.userId(), limit, cursor);
        } catch (IllegalArgumentException badCursor) {
            throw new InvalidRequest("cursor", "The cursor is not valid; start again from the first page.");
        }
    }
}
