package dev.twofa.it.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.jr.ob.JSON;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import dev.twofa.app.common.PublishedEvents;
import dev.twofa.aws.EventBridgeSecurityEventBus;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.it.support.Emulators;
import dev.twofa.port.SecurityEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The security events the relying app receives, through the emulator's real EventBridge API: a rule
 * on the bus (source twofa) targets an SQS queue, the events are read back from it, and each detail
 * is validated against docs/events/security-event.v1.schema.json, with its example beside it.
 */
class SecurityEventBusIT {
    private static final Path ROOT = Path.of(System.getProperty("twofa.repoRoot", "../.."));
    private static final Path SCHEMA = ROOT.resolve("docs/events/security-event.v1.schema.json");
    private static final Path EXAMPLES = ROOT.resolve("docs/events/examples");
    private static final String SCHEMA_ID = "urn:twofa:events:security-event:v1";

    private static EventBridgeClient eventBridge;
    private static SqsClient sqs;
    private static Schema schema;

    private final List<SecurityEvent> logged = new ArrayList<>();
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

    @BeforeAll
    static void clients() throws IOException {
        eventBridge = Emulators.at(Emulators.awsEndpoint(), EventBridgeClient.builder())
                .build();
        sqs = Emulators.at(Emulators.awsEndpoint(), SqsClient.builder()).build();
        String text = Files.readString(SCHEMA);
        schema = SchemaRegistry.withDialect(Dialects.getDraft202012(), b -> b.schemas(Map.of(SCHEMA_ID, text)))
                .getSchema(SchemaLocation.of(SCHEMA_ID));
    }

    @AfterAll
    static void close() {
        eventBridge.close();
        sqs.close();
    }

    private static List<String> violations(String detail) {
        return schema.validate(detail, InputFormat.JSON).stream()
                .map(Error::toString)
                .toList();
    }

    /** A queue that receives every event of source twofa on {@code bus}, through a rule of its own. */
    private static String queueFor(String bus) {
        String name = "twofa-events-" + UUID.randomUUID();
        String url = sqs.createQueue(q -> q.queueName(name)).queueUrl();
        String arn = sqs.getQueueAttributes(a -> a.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
        eventBridge.putRule(r -> r.name(name).eventBusName(bus).eventPattern("{\"source\":[\"twofa\"]}"));
        eventBridge.putTargets(t -> t.rule(name).eventBusName(bus).targets(target -> target.id("queue")
                .arn(arn)));
        return url;
    }

    private static List<Map<String, Object>> receive(String queueUrl, int expected) throws IOException {
        List<Map<String, Object>> received = new ArrayList<>();
        Instant until = Instant.now().plus(Duration.ofSeconds(20));
        while (received.size() < expected && Instant.now().isBefore(until)) {
            for (Message m : sqs.receiveMessage(
                            r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages()) {
                received.add(JSON.std.mapFrom(m.body()));
                sqs.deleteMessage(d -> d.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
        return received;
    }

    /** The example of each type, as the event the code records. */
    @SuppressWarnings("unchecked")
    private static SecurityEvent exampleEvent(Path file) throws IOException {
        Map<String, Object> example = JSON.std.mapFrom(Files.readString(file));
        Map<String, String> details = new HashMap<>();
        ((Map<String, Object>) example.get("details")).forEach((k, v) -> details.put(k, (String) v));
        return new SecurityEvent(
                (String) example.get("type"),
                (String) example.get("userId"),
                (String) example.get("method"),
                Instant.parse((String) example.get("at")),
                "198.51.100.7",
                "integration-test",
                details);
    }

    private static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void everyPublishedType_hasOneExample_thatTheSchemaAccepts_andTheSchemaListsThemAll() throws IOException {
        Set<String> exampleTypes = new TreeSet<>();
        for (Path file : examples()) {
            String text = Files.readString(file);
            assertThat(violations(text)).as(file.getFileName().toString()).isEmpty();
            String type = (String) JSON.std.mapFrom(text).get("type");
            assertThat(file.getFileName().toString()).isEqualTo(type + ".json");
            exampleTypes.add(type);
            // The example is exactly what the code publishes for that event.
            assertThat(JSON.std.mapFrom(PublishedEvents.detail(exampleEvent(file))))
                    .isEqualTo(JSON.std.mapFrom(text));
        }
        assertThat(exampleTypes).isEqualTo(new TreeSet<>(PublishedEvents.TYPES));
        @SuppressWarnings("unchecked")
        Map<String, Object> type = (Map<String, Object>) ((Map<String, Object>)
                        JSON.std.mapFrom(Files.readString(SCHEMA)).get("properties"))
                .get("type");
        assertThat(new TreeSet<>((List<String>) type.get("enum"))).isEqualTo(exampleTypes);
    }

    @Test
    void theSchema_refusesAFullNumber_anUnknownField_andAWrongVersion() {
        String good = "{\"version\":\"1\",\"type\":\"sms_sent\",\"userId\":\"u\",\"method\":\"sms\","
                + "\"at\":\"2026-01-02T03:04:05Z\",\"details\":{\"to\":\"+45 •••• ••56\",\"country\":\"DK\"}}";
        assertThat(violations(good)).isEmpty();
        assertThat(violations(good.replace("+45 •••• ••56", "+4520123456"))).isNotEmpty();
        assertThat(violations(good.replace("\"country\":\"DK\"", "\"note\":\"+45 20 12 34 56\"")))
                .isNotEmpty();
        assertThat(violations(good.replace("\"userId\"", "\"sourceIp\":\"1.2.3.4\",\"userId\"")))
                .isNotEmpty();
        assertThat(violations(good.replace("\"version\":\"1\"", "\"version\":\"2\"")))
                .isNotEmpty();
    }

    @Test
    void everyEventType_reachesTheRelyingAppsQueue_throughTheDefaultBus_asTheSchemaDescribesIt() throws IOException {
        String queue = queueFor("default");
        var events = new PublishedEvents(log, new EventBridgeSecurityEventBus(eventBridge, "default"));
        List<SecurityEvent> recorded = new ArrayList<>();
        for (Path file : examples()) {
            recorded.add(exampleEvent(file));
        }
        recorded.forEach(events::record);
        // Operational events stay in the log.
        events.record(
                new SecurityEvent("audit_write_failed", "user-5f1c2a", null, Instant.now(), null, null, Map.of()));

        List<Map<String, Object>> received = receive(queue, recorded.size());

        assertThat(logged).hasSize(recorded.size() + 1).noneMatch(e -> e.type().equals(PublishedEvents.PUBLISH_FAILED));
        assertThat(received).hasSize(recorded.size());
        for (Map<String, Object> envelope : received) {
            assertThat(envelope.get("source")).isEqualTo("twofa");
            @SuppressWarnings("unchecked")
            Map<String, Object> detail = (Map<String, Object>) envelope.get("detail");
            assertThat(envelope.get("detail-type")).isEqualTo(detail.get("type"));
            String json = JSON.std.asString(detail);
            assertThat(violations(json)).as(json).isEmpty();
            assertThat(json).doesNotContain("198.51.100.7").doesNotContain("integration-test");
        }
        assertThat(received.stream().map(e -> (String) e.get("detail-type")).collect(Collectors.toSet()))
                .isEqualTo(PublishedEvents.TYPES);
    }

    @Test
    void aNamedBus_getsTheEvents_andAMissingBus_isLoggedAsEventPublishFailed_neverThrown() throws IOException {
        String bus = "twofa-app-" + UUID.randomUUID();
        eventBridge.createEventBus(b -> b.name(bus));
        String queue = queueFor(bus);
        SecurityEvent locked = new SecurityEvent(
                "factor_locked",
                "user-5f1c2a",
                "totp",
                Instant.parse("2026-03-04T05:06:07Z"),
                null,
                null,
                Map.of("reason", "wrong code", "consecutiveFailures", "100"));

        new PublishedEvents(log, new EventBridgeSecurityEventBus(eventBridge, bus)).record(locked);
        List<Map<String, Object>> received = receive(queue, 1);

        assertThat(received).singleElement().satisfies(e -> assertThat(e.get("detail-type"))
                .isEqualTo("factor_locked"));

        logged.clear();
        var missing = new PublishedEvents(log, new EventBridgeSecurityEventBus(eventBridge, "no-such-bus-" + bus));
        assertThatCode(() -> missing.record(locked)).doesNotThrowAnyException();
        assertThat(logged).hasSize(2);
        assertThat(logged.get(1).type()).isEqualTo(PublishedEvents.PUBLISH_FAILED);
        assertThat(logged.get(1).details())
                .containsEntry("event", "factor_locked")
                .containsEntry("dependency", "EventBridge");
    }
}
