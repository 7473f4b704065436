package dev.twofa.aws.store;

import static dev.twofa.aws.store.Schema.millis;
import static dev.twofa.aws.store.Schema.s;
import static dev.twofa.aws.store.Schema.str;

import dev.twofa.aws.AwsErrors;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.port.AuditTrail;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The audit trail in the service's table: {@code AUDIT#<user>} / {@code <epoch millis>#<random>},
 * so a query on the user reads their events in time order. Items are only ever put, never
 * updated, under a condition that refuses overwriting, and expire after the retention period.
 */
public final class DynamoAuditTrail implements AuditTrail {
    /** Append-only: an audit item is never replaced. */
    public static final String COND_APPEND_ONLY = "attribute_not_exists(pk)";

    private static final Pattern CURSOR = Pattern.compile("[0-9]{13}#[0-9a-f]{16}");

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration retention;
    private final SecureRandom random;

    public DynamoAuditTrail(DynamoDbClient dynamo, String table, Duration retention, SecureRandom random) {
        this.dynamo = dynamo;
        this.table = table;
        this.retention = retention;
        this.random = random;
    }

    @Override
    public void append(SecurityEvent event) {
        Put put = appendPut(event);
        try {
            dynamo.putItem(
                    p -> p.tableName(put.tableName()).item(put.item()).conditionExpression(put.conditionExpression()));
        } catch (ConditionalCheckFailedException e) {
            throw new IllegalStateException("audit key collision", e);
        } catch (SdkException e) {
            throw AwsErrors.translate(Table.DEPENDENCY, e);
        }
    }

    /**
     * The write that appends {@code event}, for a transaction that records the event together with
     * the change it describes (a sign-in and its audit item are written both or neither). Its
     * condition fails only on a key collision: never a reason to refuse the change.
     */
    public Put appendPut(SecurityEvent event) {
        byte[] suffix = new byte[8];
        random.nextBytes(suffix);
        Map<String, AttributeValue> item = Schema.expiring(
                Schema.key(
                        Schema.auditPartition(event.userId()),
                        String.format(
                                "%013d#%s",
                                event.at().toEpochMilli(), HexFormat.of().formatHex(suffix))),
                event.at().plus(retention));
        item.put("event", s(event.type()));
        item.put("at", millis(event.at()));
        optional(item, "method", event.method());
        optional(item, "sourceIp", event.sourceIp());
        optional(item, "userAgent", event.userAgent());
        if (!event.details().isEmpty()) {
            item.put(
                    "details",
                    AttributeValue.fromM(event.details().entrySet().stream()
                            .collect(Collectors.toMap(Map.Entry::getKey, e -> s(e.getValue())))));
        }
        return Put.builder()
                .tableName(table)
                .item(item)
                .conditionExpression(COND_APPEND_ONLY)
                .build();
    }

    @Override
    public Page recent(String userId, int limit, Optional<String> cursor) {
        Optional<String> after = cursor.map(DynamoAuditTrail::decodeCursor);
        try {
            QueryResponse response = dynamo.query(q -> {
                q.tableName(table)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", s(Schema.auditPartition(userId))))
                        .scanIndexForward(false)
                        // One more than asked: a next page is offered only when it is not empty.
                        .limit(limit + 1);
                after.ifPresent(sk -> q.exclusiveStartKey(Schema.key(Schema.auditPartition(userId), sk)));
            });
            List<Map<String, AttributeValue>> items = response.items();
            List<SecurityEvent> events =
                    items.stream().limit(limit).map(i -> toEvent(userId, i)).toList();
            Optional<String> next = items.size() > limit
                    ? Optional.of(
                            encodeCursor(items.get(limit - 1).get(Schema.SK).s()))
                    : Optional.empty();
            return new Page(events, next);
        } catch (SdkException e) {
            throw AwsErrors.translate(Table.DEPENDENCY, e);
        }
    }

    private static SecurityEvent toEvent(String userId, Map<String, AttributeValue> item) {
        Map<String, String> details = item.containsKey("details")
                ? item.get("details").m().entrySet().stream()
                        .collect(Collectors.toMap(
                                Map.Entry::getKey, e -> e.getValue().s()))
                : Map.of();
        return new SecurityEvent(
                item.get("event").s(),
                userId,
                str(item, "method"),
                millis(item, "at"),
                str(item, "sourceIp"),
                str(item, "userAgent"),
                details);
    }

    /** The cursor is the last sort key, opaque to callers; the partition is always the caller's own. */
    private static String encodeCursor(String sk) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sk.getBytes(StandardCharsets.US_ASCII));
    }

    private static String decodeCursor(String cursor) {
        try {
            String sk = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (CURSOR.matcher(sk).matches()) {
                return sk;
            }
        } catch (IllegalArgumentException notBase64) {
            // falls through
        }
        throw new IllegalArgumentException("not a cursor of this trail");
    }

    private static void optional(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }
}
