package dev.twofa.app.common;

import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.port.AuditTrail;
import dev.twofa.port.DependencyException;
import dev.twofa.port.SecurityEvents;
import java.util.Map;

/**
 * Every security event goes to the structured log and to the audit trail. The event describes
 * something that already happened (or was refused), so a failing trail is reported in the log,
 * never turned into a failure of the request.
 */
public final class AuditedEvents implements SecurityEvents {
    private final AuditTrail trail;
    private final SecurityEvents log;

    public AuditedEvents(AuditTrail trail, SecurityEvents log) {
        this.trail = trail;
        this.log = log;
    }

    @Override
    public void record(SecurityEvent event) {
        log.record(event);
        try {
            trail.append(event);
        } catch (DependencyException e) {
            log.record(new SecurityEvent(
                    "audit_write_failed",
                    event.userId(),
                    event.method(),
                    event.at(),
                    null,
                    null,
                    Map.of("event", event.type(), "dependency", e.dependency())));
        }
    }

    @Override
    public void committed(SecurityEvent event) {
        log.record(event);
    }
}
