package dev.twofa.port;

import dev.twofa.domain.audit.SecurityEvent;
import java.util.List;
import java.util.Optional;

/** The append-only record of security events, per user, kept for a retention period. */
public interface AuditTrail {

    /** Adds one event; never overwrites an existing one. */
    void append(SecurityEvent event);

    /**
     * A page of the user's events, newest first.
     *
     * @param cursor from a previous page's {@link Page#next()}; empty for the newest page
     * @throws IllegalArgumentException when the cursor is not one this trail issued
     */
    Page recent(String userId, int limit, Optional<String> cursor);

    record Page(List<SecurityEvent> events, Optional<String> next) {
        public Page {
            events = List.copyOf(events);
        }
    }
}
