package dev.twofa.app.common;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.port.DependencyException;
import dev.twofa.port.SecurityEventBus;
import dev.twofa.port.SecurityEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every security event the relying app may act on is also published to the event bus, after the
 * log line. Publishing describes what already happened: a bus that refuses or fails is logged as
 * {@code event_publish_failed}, never turned into a failure of the request. Operational events
 * (an audit item or a notice that could not be written) stay in the log.
 */
public final class PublishedEvents implements SecurityEvents {
    /** The version of docs/events/security-event.v1.schema.json the detail follows. */
    public static final String VERSION = "1";

    public static final String PUBLISH_FAILED = "event_publish_failed";

    /** The event types published: the schema's {@code type} enum, each with its example in docs/events/examples. */
    public static final Set<String> TYPES = Set.of(
            "totp_enable_started",
            "totp_activated",
            "totp_enabled",
            "totp_disabled",
            "sms_enabled",
            "sms_disabled",
            "verify_succeeded",
            "verify_failed",
            "lockout_started",
            "factor_locked",
            "replay_refused",
            "recovery_code_used",
            "recovery_codes_regenerated",
            "sms_sent",
            "sms_send_failed",
            SmsSendLimiter.BUDGET_EXHAUSTED,
            "support_reset",
            "org_policy_changed",
            "device_registered",
            "device_revoked",
            "devices_revoked",
            "webauthn_registered",
            "webauthn_removed",
            WebAuthnSignIn.CLONE_SUSPECTED);

    private final SecurityEvents log;
    private final SecurityEventBus bus;

    public PublishedEvents(SecurityEvents log, SecurityEventBus bus) {
        this.log = log;
        this.bus = bus;
    }

    @Override
    public void record(SecurityEvent event) {
        log.record(event);
        publish(event);
    }

    @Override
    public void committed(SecurityEvent event) {
        log.committed(event);
        publish(event);
    }

    private void publish(SecurityEvent event) {
        if (!TYPES.contains(event.type())) {
            return;
        }
        try {
            bus.publish(event, detail(event));
        } catch (DependencyException e) {
            log.record(new SecurityEvent(
                    PUBLISH_FAILED,
                    event.userId(),
                    event.method(),
                    event.at(),
                    null,
                    null,
                    Map.of("event", event.type(), "dependency", e.dependency(), "reason", e.getMessage())));
        }
    }

    /**
     * The event as the relying app receives it: version, type, user, method, time and the event's own
     * details (masked numbers, counts, country codes; never a secret, a code or a full number). The
     * caller's address and user agent stay in the log and the audit trail.
     */
    public static String detail(SecurityEvent event) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("version", VERSION);
        detail.put("type", event.type());
        detail.put("userId", event.userId());
        if (event.method() != null) {
            detail.put("method", event.method());
        }
        detail.put("at", event.at().toString());
        detail.put("details", new TreeMap<>(event.details()));
        try {
            return JSON.std.asString(detail);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
