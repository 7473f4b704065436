package dev.twofa.localrun;

import dev.twofa.app.common.AuditedEvents;
import dev.twofa.aws.store.DynamoAuditTrail;
import dev.twofa.aws.store.DynamoTable;
import dev.twofa.aws.store.DynamoTwoFactorStore;
import dev.twofa.http.LambdaSecurityLog;
import dev.twofa.localrun.adapters.AesGcmSecretCipher;
import dev.twofa.localrun.adapters.FileAssertionSigner;
import dev.twofa.localrun.adapters.FileKeyedHash;
import dev.twofa.localrun.adapters.Outbox;
import dev.twofa.localrun.adapters.OutboxMailer;
import dev.twofa.localrun.adapters.OutboxSmsSender;
import dev.twofa.wiring.Adapters;
import dev.twofa.wiring.FixedAdapters;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.regions.Region;

/**
 * No AWS at all: the real DynamoDB adapter over DynamoDB Local running in this JVM (in memory, gone
 * when the run stops), AES-GCM, HMAC and ECDSA under key files instead of KMS, and the outbox
 * instead of SES and SNS.
 */
final class EmbeddedAdapters {
    private EmbeddedAdapters() {}

    /** The adapters, and DynamoDB Local, to close when the run stops. */
    record Started(Adapters adapters, AutoCloseable dynamoLocal) {}

    static Started start(Region region, String table, Path keyFile, SecureRandom random, Outbox outbox, Clock clock) {
        InProcessDynamoDb dynamoLocal = InProcessDynamoDb.start(region);
        try {
            var dynamo = dynamoLocal.client();
            DynamoTable.create(dynamo, table);
            var auditTrail = new DynamoAuditTrail(dynamo, table, Duration.ofDays(400), random);
            return new Started(
                    new FixedAdapters(
                            new DynamoTwoFactorStore(dynamo, table, auditTrail),
                            new AesGcmSecretCipher(keyFile, random),
                            new OutboxMailer(outbox, clock),
                            new FileKeyedHash(keyFile.resolveSibling("mac.key"), random),
                            new OutboxSmsSender(outbox, clock),
                            auditTrail,
                            new FileAssertionSigner(keyFile.resolveSibling("assertion.key"), random),
                            new AuditedEvents(auditTrail, new LambdaSecurityLog())),
                    dynamoLocal);
        } catch (RuntimeException e) {
            dynamoLocal.close();
            throw e;
        }
    }
}
