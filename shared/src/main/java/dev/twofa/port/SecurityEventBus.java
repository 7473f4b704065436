package dev.twofa.port;

import dev.twofa.domain.audit.SecurityEvent;

/**
 * Where the relying app hears of security events (Amazon EventBridge in AWS): one message per
 * event, the {@code detail} of {@code docs/events/security-event.v1.schema.json}.
 */
public interface SecurityEventBus {

    /**
     * @param detail the event as the schema describes it ({@code PublishedEvents#detail})
     * @throws DependencyException when the bus did not take the event
     */
    void publish(SecurityEvent event, String detail);
}
