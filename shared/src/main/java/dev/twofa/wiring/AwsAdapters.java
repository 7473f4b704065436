package dev.twofa.wiring;

import dev.twofa.app.AuditedEvents;
import dev.twofa.app.SecurityEvents;
import dev.twofa.aws.DynamoAuditTrail;
import dev.twofa.aws.DynamoTwoFactorStore;
import dev.twofa.aws.KmsAssertionSigner;
import dev.twofa.aws.KmsKeyedHash;
import dev.twofa.aws.KmsSecretCipher;
import dev.twofa.aws.SesMailer;
import dev.twofa.aws.SnsSmsSender;
import dev.twofa.config.Config;
import dev.twofa.http.LambdaSecurityLog;
import dev.twofa.port.AssertionSigner;
import dev.twofa.port.AuditTrail;
import dev.twofa.port.KeyedHash;
import dev.twofa.port.Mailer;
import dev.twofa.port.SecretCipher;
import dev.twofa.port.SmsSender;
import dev.twofa.port.TwoFactorStore;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * KMS, DynamoDB, SES and SNS adapters, with SDK clients built at init (outside the handler, so SnapStart
 * snapshots them): region from AWS_REGION, one url-connection HTTP client, the default credentials
 * chain (a hard-coded environment provider breaks under SnapStart), and AWS_ENDPOINT_URL honoured
 * for emulators.
 */
public final class AwsAdapters implements Adapters {
    private final Config config;
    private final Region region;
    private final Optional<URI> endpoint;
    private final Lazy<SdkHttpClient> http = new Lazy<>(UrlConnectionHttpClient::create);
    private final Lazy<DynamoDbClient> dynamo;
    private final Lazy<TwoFactorStore> store;
    private final Lazy<SecretCipher> cipher;
    private final Lazy<Mailer> mailer;
    private final Lazy<KmsClient> kms;
    private final Lazy<KeyedHash> keyedHash;
    private final Lazy<SmsSender> smsSender;
    private final Lazy<AuditTrail> auditTrail;
    private final Lazy<AssertionSigner> assertionSigner;
    private final Lazy<SecurityEvents> events;

    public AwsAdapters(Config config) {
        this.config = config;
        this.region = Region.of(config.required("AWS_REGION"));
        this.endpoint = config.optionalUrl("AWS_ENDPOINT_URL");
        this.dynamo = new Lazy<>(() -> configure(DynamoDbClient.builder()).build());
        this.store = new Lazy<>(() -> new DynamoTwoFactorStore(dynamo.get(), this.config.required("TABLE_NAME")));
        this.kms = new Lazy<>(() -> configure(KmsClient.builder()).build());
        this.cipher = new Lazy<>(() -> new KmsSecretCipher(kms.get(), this.config.required("KMS_KEY_ID")));
        this.keyedHash = new Lazy<>(() -> new KmsKeyedHash(kms.get(), this.config.required("MAC_KEY_ID")));
        this.auditTrail = new Lazy<>(() -> new DynamoAuditTrail(
                dynamo.get(), this.config.required("TABLE_NAME"), auditRetention(this.config), Wiring.secureRandom()));
        this.assertionSigner =
                new Lazy<>(() -> new KmsAssertionSigner(kms.get(), this.config.required("ASSERTION_KEY_ID")));
        this.events = new Lazy<>(() -> new AuditedEvents(auditTrail.get(), new LambdaSecurityLog()));
        this.smsSender = new Lazy<>(
                () -> new SnsSmsSender(configure(SnsClient.builder()).build(), this.config.optional("SMS_SENDER_ID")));
        this.mailer = new Lazy<>(
                () -> new SesMailer(configure(SesClient.builder()).build(), this.config.required("SENDER_EMAIL")));
    }

    private <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> B configure(B builder) {
        builder.region(region).httpClient(http.get());
        endpoint.ifPresent(builder::endpointOverride);
        return builder;
    }

    @Override
    public TwoFactorStore store() {
        return store.get();
    }

    @Override
    public SecretCipher cipher() {
        return cipher.get();
    }

    @Override
    public Mailer mailer() {
        return mailer.get();
    }

    @Override
    public KeyedHash keyedHash() {
        return keyedHash.get();
    }

    @Override
    public SmsSender smsSender() {
        return smsSender.get();
    }

    @Override
    public AuditTrail auditTrail() {
        return auditTrail.get();
    }

    @Override
    public AssertionSigner assertionSigner() {
        return assertionSigner.get();
    }

    @Override
    public SecurityEvents events() {
        return events.get();
    }

    /** How long audit items live (AUDIT_RETENTION_DAYS, default 400: a year and a bit, for yearly reviews). */
    public static Duration auditRetention(Config config) {
        return Duration.ofDays(config.integer("AUDIT_RETENTION_DAYS", 400, 1, 3650));
    }
}
