package dev.twofa.aws.store;

import static dev.twofa.aws.store.Schema.b;
import static dev.twofa.aws.store.Schema.bytes;
import static dev.twofa.aws.store.Schema.n;
import static dev.twofa.aws.store.Schema.s;
import static dev.twofa.aws.store.Schema.str;

import dev.twofa.aws.AwsErrors;
import dev.twofa.port.KeyItems;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    /** A generation is written once: two instances racing to create it make one key. */
    public static final String CREATE_CONDITION = "attribute_not_exists(pk)";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoKeyItems(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public static String partition(String family) {
        return Schema.keysPartition(family);
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
                        .expressionAttributeValues(Map.of(":pk", s(partition(family))))
                        .exclusiveStartKey(from));
                page.items().forEach(item -> keys.add(fromItem(item)));
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey()
                        : null;
            } while (start != null);
            return List.copyOf(keys);
        } catch (SdkException e) {
            throw AwsErrors.translate(Table.DEPENDENCY, e);
        }
    }

    @Override
    public boolean add(String family, StoredKey key) {
        Map<String, AttributeValue> item = Schema.item(Schema.storedKey(family, key.generation()));
        item.put("generation", n(key.generation()));
        item.put("kid", s(key.kid()));
        item.put("publicKey", b(key.publicKey()));
        item.put("wrappedKey", b(key.wrappedKey()));
        item.put("activeFrom", n(key.activeFrom().getEpochSecond()));
        try {
            dynamo.putItem(p -> p.tableName(table).item(item).conditionExpression(CREATE_CONDITION));
            return true;
        } catch (ConditionalCheckFailedException lost) {
            return false;
        } catch (SdkException e) {
            throw AwsErrors.translate(Table.DEPENDENCY, e);
        }
    }

    private static StoredKey fromItem(Map<String, AttributeValue> item) {
        return new StoredKey(
                (int) Schema.num(item, "generation"),
                str(item, "kid"),
                bytes(item, "publicKey"),
                bytes(item, "wrappedKey"),
                Instant.ofEpochSecond(Schema.num(item, "activeFrom")));
    }
}
