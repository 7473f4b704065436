package dev.twofa.aws;

import dev.twofa.port.KeyItems;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The wrapped-key item family: pk {@code KEYS#<family>}, sk {@code KEY#<generation, 10 digits>}, so a
 * Query returns a family oldest first, and a generation is created by one conditional write. No TTL:
 * a handful of items, kept so that every secret ever encrypted under a data key stays readable.
 */
public final class DynamoKeyItems implements KeyItems {
    static final String DEPENDENCY = "DynamoDB";
    /** A generation is written once: two instances racing to create it make one key. */
    public static final String CREATE_CONDITION = "attribute_not_exists(pk)";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoKeyItems(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public static String partition(String family) {
        return "KEYS#" + family;
    }

    static String sortKey(int generation) {
        return "KEY#%010d".formatted(generation);
    }

    @Override
    public List<StoredKey> keys(String family) {
        try {
            List<StoredKey> keys = new ArrayList<>();
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> from = start;
                QueryResponse page = dynamo.query(q -> q.tableName(table)
                        .consistentRead(true)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partition(family))))
                        .exclusiveStartKey(from));
                page.items().forEach(item -> keys.add(fromItem(item)));
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey()
                        : null;
            } while (start != null);
            return List.copyOf(keys);
        } catch (SdkException e) {
            throw AwsErrors.translate(DEPENDENCY, e);
        }
    }

    @Override
    public boolean add(String family, StoredKey key) {
        try {
            dynamo.putItem(p -> p.tableName(table)
                    .item(Map.of(
                            "pk", AttributeValue.fromS(partition(family)),
                            "sk", AttributeValue.fromS(sortKey(key.generation())),
                            "generation", AttributeValue.fromN(Integer.toString(key.generation())),
                            "kid", AttributeValue.fromS(key.kid()),
                            "publicKey", AttributeValue.fromB(SdkBytes.fromByteArray(key.publicKey())),
                            "wrappedKey", AttributeValue.fromB(SdkBytes.fromByteArray(key.wrappedKey())),
                            "activeFrom",
                                    AttributeValue.fromN(
                                            Long.toString(key.activeFrom().getEpochSecond()))))
                    .conditionExpression(CREATE_CONDITION));
            return true;
        } catch (ConditionalCheckFailedException lost) {
            return false;
        } catch (SdkException e) {
            throw AwsErrors.translate(DEPENDENCY, e);
        }
    }

    private static StoredKey fromItem(Map<String, AttributeValue> item) {
        return new StoredKey(
                Integer.parseInt(item.get("generation").n()),
                item.get("kid").s(),
                item.get("publicKey").b().asByteArray(),
                item.get("wrappedKey").b().asByteArray(),
                Instant.ofEpochSecond(Long.parseLong(item.get("activeFrom").n())));
    }
}
