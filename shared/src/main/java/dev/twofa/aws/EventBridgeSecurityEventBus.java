package dev.twofa.aws;

import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.port.DependencyException;
import dev.twofa.port.SecurityEventBus;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Security events to Amazon EventBridge: source {@value #SOURCE}, detail-type the event's type, the
 * detail as docs/events/security-event.v1.schema.json describes it, on the account's default bus or
 * the one EVENT_BUS_NAME names. An entry the bus refuses (PutEvents answers 200 with a failed entry)
 * is a fault like a failed call.
 */
public final class EventBridgeSecurityEventBus implements SecurityEventBus {
    public static final String SOURCE = "twofa";
    static final String DEPENDENCY = "EventBridge";

    private final EventBridgeClient eventBridge;
    private final String busName;

    public EventBridgeSecurityEventBus(EventBridgeClient eventBridge, String busName) {
        this.eventBridge = eventBridge;
        this.busName = busName;
    }

    @Override
    public void publish(SecurityEvent event, String detail) {
        PutEventsResponse response;
        try {
            response = eventBridge.putEvents(r -> r.entries(PutEventsRequestEntry.builder()
                    .eventBusName(busName)
                    .source(SOURCE)
                    .detailType(event.type())
                    .time(event.at())
                    .detail(detail)
                    .build()));
        } catch (SdkException e) {
            throw AwsErrors.translate(DEPENDENCY, e);
        }
        Integer failed = response.failedEntryCount();
        if (failed != null && failed > 0) {
            String code = response.entries().stream()
                    .map(PutEventsResultEntry::errorCode)
                    .filter(c -> c != null)
                    .findFirst()
                    .orElse("FailedEntry");
            throw new DependencyException(DEPENDENCY, true, code, null);
        }
    }
}
