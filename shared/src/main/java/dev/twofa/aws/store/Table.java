package dev.twofa.aws.store;

import dev.twofa.aws.AwsErrors;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.port.DependencyException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The store's calls on its table: strongly consistent reads, writes under a condition, and
 * transactions of them. A write is built once, as a transaction item ({@link #put}, {@link #update},
 * {@link #delete}, {@link #check}), and either joins a {@link #transact transaction} or runs alone
 * ({@link #conditionally}). SDK failures become {@link DependencyException}s; a failed condition
 * becomes {@code false}.
 */
final class Table {
    /** The dependency named in {@link DependencyException}s. */
    static final String DEPENDENCY = "DynamoDB";

    private static final int TRANSACTION_ATTEMPTS = 4;

    private final DynamoDbClient dynamo;
    private final String name;
    private final DynamoAuditTrail audit;

    /** @param audit builds the audit items a transaction appends with the change they record */
    Table(DynamoDbClient dynamo, String name, DynamoAuditTrail audit) {
        this.dynamo = dynamo;
        this.name = name;
        this.audit = audit;
    }

    /** Conditions joined with AND, each in parentheses (their ORs must not bind across). */
    static String and(String... conditions) {
        return Stream.of(conditions).map(c -> "(" + c + ")").collect(Collectors.joining(" AND "));
    }

    // ---- reads ----

    /** Strongly consistent read of one item. */
    Optional<Map<String, AttributeValue>> get(Map<String, AttributeValue> key) {
        try {
            var response = dynamo.getItem(g -> g.tableName(name).key(key).consistentRead(true));
            return response.hasItem() ? Optional.of(response.item()) : Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.translate(DEPENDENCY, e);
        }
    }

    QueryResponse query(Consumer<QueryRequest.Builder> query) {
        try {
            return dynamo.query(q -> query.accept(q.tableName(name)));
        } catch (SdkException e) {
            throw AwsErrors.translate(DEPENDENCY, e);
        }
    }

    // ---- writes, built once for a transaction or to run alone ----

    TransactWriteItem put(Map<String, AttributeValue> item) {
        return put(item, null, null);
    }

    TransactWriteItem put(Map<String, AttributeValue> item, String condition) {
        return put(item, condition, null);
    }

    /** A put; {@code condition} and {@code values} may be null: the SDK then leaves them out. */
    TransactWriteItem put(Map<String, AttributeValue> item, String condition, Map<String, AttributeValue> values) {
        return TransactWriteItem.builder()
                .put(p -> p.tableName(name)
                        .item(item)
                        .conditionExpression(condition)
                        .expressionAttributeValues(values))
                .build();
    }

    TransactWriteItem update(
            Map<String, AttributeValue> key, String update, String condition, Map<String, AttributeValue> values) {
        return TransactWriteItem.builder()
                .update(u -> u.tableName(name)
                        .key(key)
                        .updateExpression(update)
                        .conditionExpression(condition)
                        .expressionAttributeValues(values))
                .build();
    }

    TransactWriteItem delete(Map<String, AttributeValue> key) {
        return delete(key, null, null);
    }

    TransactWriteItem delete(Map<String, AttributeValue> key, String condition) {
        return delete(key, condition, null);
    }

    /** A delete; {@code condition} and {@code values} may be null: the SDK then leaves them out. */
    TransactWriteItem delete(Map<String, AttributeValue> key, String condition, Map<String, AttributeValue> values) {
        return TransactWriteItem.builder()
                .delete(d -> d.tableName(name)
                        .key(key)
                        .conditionExpression(condition)
                        .expressionAttributeValues(values))
                .build();
    }

    /** A condition on an item the transaction does not write. */
    TransactWriteItem check(Map<String, AttributeValue> key, String condition) {
        return TransactWriteItem.builder()
                .conditionCheck(c -> c.tableName(name).key(key).conditionExpression(condition))
                .build();
    }

    // ---- running one write alone ----

    /** Runs one put, update or delete alone: false when its condition did not hold. */
    boolean conditionally(TransactWriteItem write) {
        try {
            run(write);
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw AwsErrors.translate(DEPENDENCY, e);
        }
    }

    /** Runs one unconditional put or delete alone. */
    void write(TransactWriteItem write) {
        try {
            run(write);
        } catch (SdkException e) {
            throw AwsErrors.translate(DEPENDENCY, e);
        }
    }

    /** Runs one update alone and returns the attributes it wrote; empty when its condition did not hold. */
    Optional<Map<String, AttributeValue>> updateReturningNew(TransactWriteItem write) {
        Update u = write.update();
        try {
            return Optional.of(dynamo.updateItem(r -> r.tableName(u.tableName())
                            .key(u.key())
                            .updateExpression(u.updateExpression())
                            .conditionExpression(u.conditionExpression())
                            .expressionAttributeValues(u.expressionAttributeValues())
                            .returnValues(ReturnValue.UPDATED_NEW))
                    .attributes());
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.translate(DEPENDENCY, e);
        }
    }

    /** The single-item call with the transaction item's fields: those it left out stay out. */
    private void run(TransactWriteItem write) {
        if (write.put() != null) {
            Put p = write.put();
            dynamo.putItem(r -> r.tableName(p.tableName())
                    .item(p.item())
                    .conditionExpression(p.conditionExpression())
                    .expressionAttributeValues(p.expressionAttributeValues()));
        } else if (write.update() != null) {
            Update u = write.update();
            dynamo.updateItem(r -> r.tableName(u.tableName())
                    .key(u.key())
                    .updateExpression(u.updateExpression())
                    .conditionExpression(u.conditionExpression())
                    .expressionAttributeValues(u.expressionAttributeValues()));
        } else if (write.delete() != null) {
            Delete d = write.delete();
            dynamo.deleteItem(r -> r.tableName(d.tableName())
                    .key(d.key())
                    .conditionExpression(d.conditionExpression())
                    .expressionAttributeValues(d.expressionAttributeValues()));
        } else {
            throw new IllegalArgumentException("a condition check is not a write: " + write);
        }
    }

    // ---- transactions ----

    /**
     * Runs {@code writes} and appends the {@code events} to the audit trail in the same transaction:
     * both or neither. The audit puts go last, so a failed condition among them (a key collision,
     * never a refusal of the change) is told apart from the change's own conditions.
     */
    boolean transactAudited(List<TransactWriteItem> writes, List<SecurityEvent> events) {
        List<TransactWriteItem> all = new ArrayList<>(writes);
        for (SecurityEvent event : events) {
            all.add(TransactWriteItem.builder().put(audit.appendPut(event)).build());
        }
        return transact(all, writes.size());
    }

    boolean transact(List<TransactWriteItem> writes) {
        return transact(writes, writes.size());
    }

    /**
     * Runs one transaction. False when a condition of one of the first {@code guarded} writes
     * failed; retried when DynamoDB cancelled it for a conflict with a concurrent transaction, so
     * that of N racing requests one still wins.
     */
    private boolean transact(List<TransactWriteItem> writes, int guarded) {
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.transactWriteItems(t -> t.transactItems(writes));
                return true;
            } catch (TransactionCanceledException e) {
                List<String> reasons = e.cancellationReasons().stream()
                        .map(CancellationReason::code)
                        .toList();
                if (reasons.subList(Math.min(guarded, reasons.size()), reasons.size())
                        .contains("ConditionalCheckFailed")) {
                    throw new IllegalStateException("audit key collision", e);
                }
                if (reasons.contains("ConditionalCheckFailed")) {
                    return false;
                }
                if (reasons.contains("TransactionConflict") && attempt < TRANSACTION_ATTEMPTS) {
                    pause(attempt);
                    continue;
                }
                throw new DependencyException(DEPENDENCY, true, "transaction cancelled: " + reasons, e);
            } catch (SdkException e) {
                throw AwsErrors.translate(DEPENDENCY, e);
            }
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(10L * attempt + ThreadLocalRandom.current().nextInt(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DependencyException(DEPENDENCY, true, "interrupted", e);
        }
    }
}
