package dev.twofa.wiring;

import dev.twofa.aws.EventBridgeSecurityEventBus;
import dev.twofa.port.SecurityEventBus;
import java.time.Instant;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/** The EventBridge security-event bus, reached on first use only (see {@link DynamoDbAdapters}). */
final class EventBridgeAdapters {
    private final EventBridgeClient eventBridge;

    EventBridgeAdapters(AwsClients clients) {
        this.eventBridge = clients.build(EventBridgeClient.builder());
    }

    SecurityEventBus bus(String busName) {
        return new EventBridgeSecurityEventBus(eventBridge, busName);
    }

    /** SnapStart priming: a PutEvents answered locally ({@link PrimingHttpClient}), nothing published. */
    void prime() {
        PrimingHttpClient.answeringLocally(() -> eventBridge.putEvents(r -> r.entries(PutEventsRequestEntry.builder()
                .source("twofa.priming")
                .detailType("priming")
                .time(Instant.EPOCH)
                .detail("{}")
                .build())));
    }

    void close() {
        eventBridge.close();
    }
}
