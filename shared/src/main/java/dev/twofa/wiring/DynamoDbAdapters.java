package dev.twofa.wiring;

import dev.twofa.aws.DynamoAuditTrail;
import dev.twofa.aws.DynamoKeyItems;
import dev.twofa.aws.DynamoTwoFactorStore;
import dev.twofa.port.AuditTrail;
import dev.twofa.port.KeyItems;
import dev.twofa.port.TwoFactorStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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

    TwoFactorStore store() {
        return new DynamoTwoFactorStore(dynamo, table);
    }

    KeyItems keyItems() {
        return new DynamoKeyItems(dynamo, table);
    }

    AuditTrail auditTrail(Duration retention, SecureRandom random) {
        return new DynamoAuditTrail(dynamo, table, retention, random);
    }

    /**
     * SnapStart priming: a GetItem of a key no item family uses (every pk starts with a letter), so the
     * client's marshalling, signing and HTTP path are loaded before the snapshot, with nothing read or
     * written of any user. Failures are the caller's to ignore.
     */
    void prime() {
        AttributeValue key = AttributeValue.fromS("#priming");
        dynamo.getItem(r -> r.tableName(table).key(Map.of("pk", key, "sk", key)));
    }
}
