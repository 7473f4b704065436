package dev.twofa.localrun;

import dev.twofa.aws.store.DynamoTable;
import dev.twofa.config.Config;
import dev.twofa.localrun.adapters.Outbox;
import dev.twofa.localrun.adapters.OutboxMailer;
import dev.twofa.localrun.adapters.OutboxSmsSender;
import dev.twofa.port.AssertionSigner;
import dev.twofa.port.AuditTrail;
import dev.twofa.port.KeyedHash;
import dev.twofa.port.Mailer;
import dev.twofa.port.SecretCipher;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.SmsSender;
import dev.twofa.port.TwoFactorStore;
import dev.twofa.wiring.Adapters;
import dev.twofa.wiring.AwsAdapters;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.ses.SesClient;

/**
 * With {@code AWS_ENDPOINT_URL} set: the production AWS adapters against an emulator (moto,
 * LocalStack), after creating there what template.yaml would (table, KMS key, verified sender).
 * Mail still lands in the outbox too, so {@code GET /dev/outbox} works either way.
 */
final class EmulatorAdapters implements Adapters {
    private final AwsAdapters aws;
    private final Mailer mailer;
    private final SmsSender smsSender;

    EmulatorAdapters(Config config, Outbox outbox, Clock clock) {
        this.aws = new AwsAdapters(config);
        this.mailer = new OutboxMailer(outbox, clock, aws.mailer());
        this.smsSender = new OutboxSmsSender(outbox, clock, aws.smsSender());
    }

    /**
     * Creates the table, verifies the sender and, unless {@code KMS_KEY_ID} names one, creates a
     * symmetric key (and {@code MAC_KEY_ID} an HMAC key). Answers {@code env} with both set.
     */
    static Map<String, String> provision(Map<String, String> env) {
        Config config = new Config(env);
        Region region = Region.of(config.required("AWS_REGION"));
        URI endpoint = config.url("AWS_ENDPOINT_URL");
        useDummyCredentialsIfNoneSet(env);
        Map<String, String> provisioned = new HashMap<>(env);
        try (SdkHttpClient http = UrlConnectionHttpClient.create();
                DynamoDbClient dynamo = DynamoDbClient.builder()
                        .region(region)
                        .endpointOverride(endpoint)
                        .httpClient(http)
                        .build();
                KmsClient kms = KmsClient.builder()
                        .region(region)
                        .endpointOverride(endpoint)
                        .httpClient(http)
                        .build();
                SesClient ses = SesClient.builder()
                        .region(region)
                        .endpointOverride(endpoint)
                        .httpClient(http)
                        .build()) {
            DynamoTable.create(dynamo, config.required("TABLE_NAME"));
            ses.verifyEmailIdentity(r -> r.emailAddress(config.required("SENDER_EMAIL")));
            if (config.optional("KMS_KEY_ID").isEmpty()) {
                String keyId = kms.createKey(r -> r.description("twofa local run: TOTP secrets")
                                .keySpec(KeySpec.SYMMETRIC_DEFAULT)
                                .keyUsage(KeyUsageType.ENCRYPT_DECRYPT))
                        .keyMetadata()
                        .keyId();
                provisioned.put("KMS_KEY_ID", keyId);
            }
            if (config.optional("ASSERTION_KEY_ID").isEmpty()) {
                String keyId = kms.createKey(r -> r.description("twofa local run: MFA assertions")
                                .keySpec(KeySpec.ECC_NIST_P256)
                                .keyUsage(KeyUsageType.SIGN_VERIFY))
                        .keyMetadata()
                        .keyId();
                provisioned.put("ASSERTION_KEY_ID", keyId);
            }
            if (config.optional("MAC_KEY_ID").isEmpty()) {
                String keyId = kms.createKey(r -> r.description("twofa local run: SMS code hashes")
                                .keySpec(KeySpec.HMAC_256)
                                .keyUsage(KeyUsageType.GENERATE_VERIFY_MAC))
                        .keyMetadata()
                        .keyId();
                provisioned.put("MAC_KEY_ID", keyId);
            }
        }
        return provisioned;
    }

    /**
     * Emulators accept any key, but the SDK's default chain still wants one and would otherwise
     * end on the instance-metadata lookup. System properties come first in that chain and are
     * only set when the environment names no credentials at all.
     */
    private static void useDummyCredentialsIfNoneSet(Map<String, String> env) {
        boolean configured = env.containsKey("AWS_ACCESS_KEY_ID")
                || env.containsKey("AWS_PROFILE")
                || System.getProperty("aws.accessKeyId") != null;
        if (!configured) {
            System.setProperty("aws.accessKeyId", "local");
            System.setProperty("aws.secretAccessKey", "local");
        }
    }

    @Override
    public AuditTrail auditTrail() {
        return aws.auditTrail();
    }

    @Override
    public AssertionSigner assertionSigner() {
        return aws.assertionSigner();
    }

    @Override
    public KeyedHash keyedHash() {
        return aws.keyedHash();
    }

    @Override
    public SmsSender smsSender() {
        return smsSender;
    }

    @Override
    public TwoFactorStore store() {
        return aws.store();
    }

    @Override
    public SecretCipher cipher() {
        return aws.cipher();
    }

    @Override
    public Mailer mailer() {
        return mailer;
    }

    @Override
    public SecurityEvents events() {
        return aws.events();
    }
}
