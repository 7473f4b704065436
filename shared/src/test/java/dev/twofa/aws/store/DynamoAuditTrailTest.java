package dev.twofa.aws.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofa.domain.audit.SecurityEvent;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;

/** The audit item a transaction appends is the trail's own item: one place builds it. */
class DynamoAuditTrailTest {
    private static final Instant AT = Instant.parse("2026-12-01T06:00:00.123Z");

    private static final SecureRandom ONES = new SecureRandom() {
        @Override
        public void nextBytes(byte[] bytes) {
            Arrays.fill(bytes, (byte) 1);
        }
    };

    /** No call is made: building the put needs no client. */
    private final DynamoAuditTrail trail = new DynamoAuditTrail(null, "table", Duration.ofDays(400), ONES);

    @Test
    void appendPut_isTheAppendOnlyAuditItem_withEveryFieldOfTheEvent() {
        SecurityEvent event =
                new SecurityEvent("verify_succeeded", "u-1", "totp", AT, "198.51.100.7", "agent", Map.of("step", "42"));

        Put put = trail.appendPut(event);

        assertThat(put.tableName()).isEqualTo("table");
        // Append-only: an audit item is never replaced, in a transaction or alone.
        assertThat(put.conditionExpression()).isEqualTo("attribute_not_exists(pk)");
        assertThat(put.item())
                .containsEntry("pk", AttributeValue.fromS("AUDIT#u-1"))
                .containsEntry("sk", AttributeValue.fromS("1796104800123#0101010101010101"))
                .containsEntry("event", AttributeValue.fromS("verify_succeeded"))
                .containsEntry("at", AttributeValue.fromN("1796104800123"))
                .containsEntry("method", AttributeValue.fromS("totp"))
                .containsEntry("sourceIp", AttributeValue.fromS("198.51.100.7"))
                .containsEntry("userAgent", AttributeValue.fromS("agent"))
                .containsEntry("details", AttributeValue.fromM(Map.of("step", AttributeValue.fromS("42"))))
                // TTL in epoch seconds, after the retention period.
                .containsEntry(
                        "expiresAt",
                        AttributeValue.fromN(
                                Long.toString(AT.plus(Duration.ofDays(400)).getEpochSecond())))
                .hasSize(9);
    }

    @Test
    void appendPut_leavesOutWhatTheEventDoesNotHave() {
        Put put = trail.appendPut(new SecurityEvent("support_reset", "u-1", null, AT, null, null, Map.of()));
        assertThat(put.item()).containsOnlyKeys("pk", "sk", "event", "at", "expiresAt");
    }
}
