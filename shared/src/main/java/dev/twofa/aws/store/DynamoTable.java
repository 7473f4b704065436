package dev.twofa.aws.store;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The table's shape, as template.yaml declares it, for the local run and the tests: the string keys
 * and the TTL attribute of {@link Schema}, on-demand.
 */
public final class DynamoTable {
    private DynamoTable() {}

    public static void create(DynamoDbClient dynamo, String table) {
        try {
            dynamo.createTable(c -> c.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder()
                                    .attributeName(Schema.PK)
                                    .attributeType(ScalarAttributeType.S)
                                    .build(),
                            AttributeDefinition.builder()
                                    .attributeName(Schema.SK)
                                    .attributeType(ScalarAttributeType.S)
                                    .build())
                    .keySchema(
                            KeySchemaElement.builder()
                                    .attributeName(Schema.PK)
                                    .keyType(KeyType.HASH)
                                    .build(),
                            KeySchemaElement.builder()
                                    .attributeName(Schema.SK)
                                    .keyType(KeyType.RANGE)
                                    .build()));
        } catch (ResourceInUseException alreadyThere) {
            return;
        }
        dynamo.waiter().waitUntilTableExists(w -> w.tableName(table));
        dynamo.updateTimeToLive(u -> u.tableName(table)
                .timeToLiveSpecification(s -> s.attributeName(Schema.TTL).enabled(true)));
    }
}
