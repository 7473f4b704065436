package dev.twofa.app.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.port.DependencyException;
import dev.twofa.port.SecurityEventBus;
import dev.twofa.port.SecurityEvents;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Published after the log line; a failing bus is logged as event_publish_failed, never thrown. */
class PublishedEventsTest {
    private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");

    private final List<SecurityEvent> logged = new ArrayList<>();
    private final List<String> published = new ArrayList<>();
    private RuntimeException busFault;

    private final SecurityEvents log = new SecurityEvents() {
        @Override
        public void record(SecurityEvent event) {
            logged.add(event);
        }

        @Override
        public void committed(SecurityEvent event) {
            logged.add(event);
        }
    };

    private final SecurityEventBus bus = (event, detail) -> {
        if (busFault != null) {
            throw busFault;
        }
        published.add(detail);
    };

    private final PublishedEvents events = new PublishedEvents(log, bus);

    private static SecurityEvent locked() {
        return new SecurityEvent(
                "factor_locked", "user-1", "totp", AT, "203.0.113.9", "Firefox", Map.of("failures", "100"));
    }

    @Test
    void anEvent_isLogged_andPublishedWithItsDetail() throws IOException {
        events.record(locked());

        assertThat(logged).containsExactly(locked());
        assertThat(published).hasSize(1);
        assertThat(JSON.std.mapFrom(published.getFirst()))
                .containsExactly(
                        Map.entry("version", "1"),
                        Map.entry("type", "factor_locked"),
                        Map.entry("userId", "user-1"),
                        Map.entry("method", "totp"),
                        Map.entry("at", "2026-01-02T03:04:05Z"),
                        Map.entry("details", Map.of("failures", "100")));
        assertThat(published.getFirst()).doesNotContain("203.0.113.9").doesNotContain("Firefox");
    }

    @Test
    void aCommittedEvent_isPublishedToo() {
        events.committed(locked());

        assertThat(logged).containsExactly(locked());
        assertThat(published).hasSize(1);
    }

    @Test
    void aFailingBus_isLoggedAsEventPublishFailed_andNeverFailsTheRequest() {
        busFault = new DependencyException("EventBridge", true, "ThrottlingException (HTTP 400)", null);

        assertThatCode(() -> events.record(locked())).doesNotThrowAnyException();

        assertThat(logged).hasSize(2);
        SecurityEvent failure = logged.get(1);
        assertThat(failure.type()).isEqualTo(PublishedEvents.PUBLISH_FAILED);
        assertThat(failure.userId()).isEqualTo("user-1");
        assertThat(failure.details())
                .containsEntry("event", "factor_locked")
                .containsEntry("dependency", "EventBridge")
                .containsEntry("reason", "EventBridge: ThrottlingException (HTTP 400)");
        assertThat(published).isEmpty();
    }

    @Test
    void operationalEvents_stayInTheLog() {
        for (String type : List.of("audit_write_failed", "notification_failed", PublishedEvents.PUBLISH_FAILED)) {
            events.record(new SecurityEvent(type, "user-1", null, AT, null, null, Map.of()));
        }

        assertThat(logged).hasSize(3);
        assertThat(published).isEmpty();
    }
}
