package dev.twofa.aws.store;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The table's shape, as template.yaml declares it, for the local run and the tests: string keys
 * {@code pk}/{@code sk}, on-demand, TTL on {@code expiresAt}.
 */
public final class DynamoTable {
    public static final String TTL_ATTRIBUTE = "expiresAt";

    private DynamoTable() {}

    public static void create(DynamoDbClient dynamo, String table) {
        try {
            dynamo.createTable(c -> c.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder()
                                    .attributeName("pk")
                                    .attributeType(ScalarAttributeType.S)
                                    .build(),
                            AttributeDefinition.builder()
                                    .attributeName("sk")
                                    .attributeType(ScalarAttributeType.S)
                                    .build())
                    .keySchema(
                            KeySchemaElement.builder()
                                    .attributeName("pk")
                                    .keyType(KeyType.HASH)
                                    .build(),
                            KeySchemaElement.builder()
                                    .attributeName("sk")
                                    .keyType(KeyType.RANGE)
                                    .build()));
        } catch (ResourceInUseException alreadyThere) {
            return;
        }
        dynamo.waiter().waitUntilTableExists(w -> w.tableName(table));
        dynamo.updateTimeToLive(u -> u.tableName(table)
                .timeToLiveSpecification(s -> s.attributeName(TTL_ATTRIBUTE).enabled(true)));
    }
}
