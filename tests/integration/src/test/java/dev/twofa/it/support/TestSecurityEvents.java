package dev.twofa.it.support;

import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.port.SecurityEvents;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps the security events a test caused (to check what was logged, and that no code was), and
 * passes each on to the production sink (structured log + DynamoDB audit trail).
 */
public final class TestSecurityEvents implements SecurityEvents {
    private final List<SecurityEvent> events = new CopyOnWriteArrayList<>();
    private final SecurityEvents production;

    public TestSecurityEvents(SecurityEvents production) {
        this.production = production;
    }

    @Override
    public void record(SecurityEvent event) {
        events.add(event);
        production.record(event);
    }

    @Override
    public void committed(SecurityEvent event) {
        events.add(event);
        production.committed(event);
    }

    public List<String> namesFor(String userId) {
        return events.stream()
                .filter(e -> e.userId().equals(userId))
                .map(SecurityEvent::type)
                .toList();
    }

    public List<SecurityEvent> all() {
        return List.copyOf(events);
    }
}
