package dev.twofa.app.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.port.AuditTrail;
import dev.twofa.port.SecurityEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each event is logged once and appended once, whether the store or the trail writes its item. */
class AuditedEventsTest {
    private final List<SecurityEvent> appended = new ArrayList<>();
    private final List<SecurityEvent> logged = new ArrayList<>();

    private final AuditTrail trail = new AuditTrail() {
        @Override
        public void append(SecurityEvent event) {
            appended.add(event);
        }

        @Override
        public Page recent(String userId, int limit, Optional<String> cursor) {
            throw new UnsupportedOperationException();
        }
    };

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

    private final AuditedEvents events = new AuditedEvents(trail, log);
    private final SecurityEvent signIn =
            new SecurityEvent("verify_succeeded", "u-1", "totp", Instant.EPOCH, null, null, Map.of());

    @Test
    void record_logsAndAppends() {
        events.record(signIn);
        assertThat(logged).containsExactly(signIn);
        assertThat(appended).containsExactly(signIn);
    }

    @Test
    void committed_logsOnce_andNeverAppendsAgain() {
        // The store wrote the audit item in the sign-in's transaction: a second item would double it.
        events.committed(signIn);
        assertThat(logged).containsExactly(signIn);
        assertThat(appended).isEmpty();
    }
}
