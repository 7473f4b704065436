package dev.twofa.it.support;

import dev.twofa.app.SecurityEvents;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps the security events a test caused, to check what was logged (and that no code was). */
public final class TestSecurityEvents implements SecurityEvents {
    public record Event(String name, String userId, Map<String, String> details) {}

    private final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void record(String event, String userId, Map<String, String> details) {
        events.add(new Event(event, userId, Map.copyOf(details)));
    }

    public List<String> namesFor(String userId) {
        return events.stream()
                .filter(e -> e.userId().equals(userId))
                .map(Event::name)
                .toList();
    }

    public List<Event> all() {
        return List.copyOf(events);
    }
}
