package dev.twofa.wiring;

import dev.twofa.aws.store.DynamoAuditTrail;
import dev.twofa.aws.store.DynamoKeyItems;
import dev.twofa.aws.store.DynamoTwoFactorStore;
import dev.twofa.port.AuditTrail;
import dev.twofa.port.KeyItems;
import dev.twofa.port.TwoFactorStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The DynamoDB adapters, on one client. With {@link KmsAdapters}, {@link SesAdapters} and {@link
 * SnsAdapters}, the only wiring that names an SDK client: {@link AwsAdapters} reaches it on first
 * use only, so a function whose jar leaves the DynamoDB SDK out never loads a class of it.
 */
final class DynamoDbAdapters {
    private final DynamoDbClient dynamo;
    private final String table;

    DynamoDbAdapters(AwsClients clients, String table) {
        this.dynamo = clients.build(DynamoDbClient.builder());
        this.table = table;
    }

    /** The store appends the audit items of sign-ins in its own transactions, under the trail's retention. */
    TwoFactorStore store(Duration auditRetention, SecureRandom random) {
        return new DynamoTwoFactorStore(dynamo, table, new DynamoAuditTrail(dynamo, table, auditRetention, random));
    }

    KeyItems keyItems() {
        return new DynamoKeyItems(dynamo, table);
    }

    AuditTrail auditTrail(Duration retention, SecureRandom random) {
        return new DynamoAuditTrail(dynamo, table, retention, random);
    }

    /**
     * SnapStart priming. Every kind of call the store and the audit trail make, answered locally
     * ({@link PrimingHttpClient}): their marshalling, signing and unmarshalling, with no request sent.
     * Then a real GetItem of a key no item family uses (every pk starts with a letter): the HTTP
     * connection and credentials path, with nothing read or written of any user. Failures are the
     * caller's to ignore.
     */
    void prime() {
        AttributeValue key = AttributeValue.fromS("#priming");
        Map<String, AttributeValue> keys = Map.of("pk", key, "sk", key);
        PrimingHttpClient.answeringLocally(() -> primeLocally(keys));
        dynamo.getItem(r -> r.tableName(table).key(keys).consistentRead(true));
    }

    private void primeLocally(Map<String, AttributeValue> keys) {
        Map<String, AttributeValue> item = new HashMap<>(keys);
        item.put("n", AttributeValue.fromN("1"));
        item.put("b", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[16])));
        item.put("bool", AttributeValue.fromBool(true));
        item.put("ss", AttributeValue.fromSs(List.of("a", "b")));
        item.put("l", AttributeValue.fromL(List.of(AttributeValue.fromS("x"))));
        item.put("m", AttributeValue.fromM(Map.of("k", AttributeValue.fromS("v"))));
        Map<String, String> names = Map.of("#n", "n");
        Map<String, AttributeValue> values =
                Map.of(":one", AttributeValue.fromN("1"), ":now", AttributeValue.fromN("0"));
        String condition = "attribute_not_exists(pk) OR #n < :now";

        dynamo.getItem(r -> r.tableName(table).key(keys).consistentRead(true));
        dynamo.query(r -> r.tableName(table)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :sk)")
                .expressionAttributeValues(Map.of(":pk", keys.get("pk"), ":sk", keys.get("sk")))
                .scanIndexForward(false)
                .limit(10)
                .exclusiveStartKey(keys)
                .consistentRead(true));
        dynamo.putItem(r -> r.tableName(table)
                .item(item)
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values));
        dynamo.updateItem(r -> r.tableName(table)
                .key(keys)
                .updateExpression("SET #n = if_not_exists(#n, :now) + :one REMOVE l")
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
        dynamo.deleteItem(r -> r.tableName(table).key(keys).conditionExpression("attribute_exists(pk)"));
        dynamo.transactWriteItems(r -> r.transactItems(
                TransactWriteItem.builder()
                        .put(p -> p.tableName(table)
                                .item(item)
                                .conditionExpression(condition)
                                .expressionAttributeNames(names)
                                .expressionAttributeValues(values))
                        .build(),
                TransactWriteItem.builder()
                        .update(u -> u.tableName(table)
                                .key(keys)
                                .updateExpression("SET #n = :one")
                                .conditionExpression(condition)
                                .expressionAttributeNames(names)
                                .expressionAttributeValues(values)
                                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD))
                        .build(),
                TransactWriteItem.builder()
                        .delete(d -> d.tableName(table).key(keys).conditionExpression("attribute_exists(pk)"))
                        .build(),
                TransactWriteItem.builder()
                        .conditionCheck(
                                c -> c.tableName(table).key(keys).conditionExpression("attribute_not_exists(pk)"))
                        .build()));
    }

    void close() {
        dynamo.close();
    }
}
