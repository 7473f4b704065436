package dev.twofa.localrun;

import dev.twofa.app.AuditedEvents;
import dev.twofa.app.SecurityEvents;
import dev.twofa.aws.DynamoAuditTrail;
import dev.twofa.aws.DynamoTable;
import dev.twofa.aws.DynamoTwoFactorStore;
import dev.twofa.http.LambdaSecurityLog;
import dev.twofa.local.AesGcmSecretCipher;
import dev.twofa.local.FileAssertionSigner;
import dev.twofa.local.FileKeyedHash;
import dev.twofa.local.Outbox;
import dev.twofa.local.OutboxMailer;
import dev.twofa.local.OutboxSmsSender;
import dev.twofa.port.AssertionSigner;
import dev.twofa.port.AuditTrail;
import dev.twofa.port.KeyedHash;
import dev.twofa.port.Mailer;
import dev.twofa.port.SecretCipher;
import dev.twofa.port.SmsSender;
import dev.twofa.port.TwoFactorStore;
import dev.twofa.wiring.Adapters;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.regions.Region;

/**
 * No AWS at all: the real DynamoDB adapter over DynamoDB Local running in this JVM (in memory, gone
 * when the run stops), AES-GCM and HMAC under key files instead of KMS, and the outbox instead of
 * SES and SNS.
 */
final class EmbeddedAdapters implements Adapters, AutoCloseable {
    private final InProcessDynamoDb dynamoLocal;
    private final TwoFactorStore store;
    private final SecretCipher cipher;
    private final Mailer mailer;
    private final KeyedHash keyedHash;
    private final SmsSender smsSender;
    private final AuditTrail auditTrail;
    private final AssertionSigner assertionSigner;
    private final SecurityEvents events;

    EmbeddedAdapters(Region region, String table, Path keyFile, SecureRandom random, Outbox outbox, Clock clock) {
        this.dynamoLocal = InProcessDynamoDb.start(region);
        try {
            var dynamo = dynamoLocal.client();
            DynamoTable.create(dynamo, table);
            this.store = new DynamoTwoFactorStore(dynamo, table);
            this.cipher = new AesGcmSecretCipher(keyFile, random);
            this.mailer = new OutboxMailer(outbox, clock);
            this.keyedHash = new FileKeyedHash(keyFile.resolveSibling("mac.key"), random);
            this.smsSender = new OutboxSmsSender(outbox, clock);
            this.auditTrail = new DynamoAuditTrail(dynamo, table, Duration.ofDays(400), random);
            this.assertionSigner = new FileAssertionSigner(keyFile.resolveSibling("assertion.key"), random);
            this.events = new AuditedEvents(auditTrail, new LambdaSecurityLog());
        } catch (RuntimeException e) {
            dynamoLocal.close();
            throw e;
        }
    }

    @Override
    public TwoFactorStore store() {
        return store;
    }

    @Override
    public SecretCipher cipher() {
        return cipher;
    }

    @Override
    public Mailer mailer() {
        return mailer;
    }

    @Override
    public KeyedHash keyedHash() {
        return keyedHash;
    }

    @Override
    public SmsSender smsSender() {
        return smsSender;
    }

    @Override
    public AuditTrail auditTrail() {
        return auditTrail;
    }

    @Override
    public AssertionSigner assertionSigner() {
        return assertionSigner;
    }

    @Override
    public SecurityEvents events() {
        return events;
    }

    @Override
    public void close() {
        dynamoLocal.close();
    }
}
