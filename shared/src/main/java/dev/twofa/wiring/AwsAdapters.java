package dev.twofa.wiring;

import dev.twofa.app.common.AuditedEvents;
import dev.twofa.app.common.PublishedEvents;
import dev.twofa.config.Config;
import dev.twofa.envelope.EnvelopeAssertionSigner;
import dev.twofa.envelope.EnvelopeSecretCipher;
import dev.twofa.envelope.SecretFormat;
import dev.twofa.http.LambdaSecurityLog;
import dev.twofa.port.AssertionSigner;
import dev.twofa.port.AuditTrail;
import dev.twofa.port.KeyItems;
import dev.twofa.port.KeyWrapper;
import dev.twofa.port.KeyedHash;
import dev.twofa.port.Mailer;
import dev.twofa.port.SecretCipher;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.SmsSender;
import dev.twofa.port.TwoFactorStore;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BiConsumer;
import software.amazon.awssdk.regions.Region;

/**
 * KMS, DynamoDB, SES, SNS and EventBridge adapters, with SDK clients built at init (outside the handler, so SnapStart
 * snapshots them) by {@link AwsClients}: region from AWS_REGION, one url-connection HTTP client, the
 * default credentials chain, and AWS_ENDPOINT_URL honoured for emulators.
 *
 * <p>Each SDK is reached only through its own factory ({@link DynamoDbAdapters}, {@link KmsAdapters},
 * {@link SesAdapters}, {@link SnsAdapters}, {@link EventBridgeAdapters}), the first time one of its adapters is asked for. This class
 * names no SDK client type, not even in a field or lambda: a function jar ships only the clients its
 * use case calls, and a lambda whose method returns, say, {@code KmsClient} loads that class when it is
 * created, so building these adapters killed the functions without KMS at init (NoClassDefFoundError).
 * SdkIsolationTest keeps it so.
 */
public final class AwsAdapters implements Adapters, AutoCloseable {
    private final Lazy<DynamoDbAdapters> dynamoDb;
    private final Lazy<KmsAdapters> kms;
    private final Lazy<SesAdapters> ses;
    private final Lazy<SnsAdapters> sns;
    private final Lazy<EventBridgeAdapters> eventBridge;
    private final Lazy<TwoFactorStore> store;
    private final Lazy<AuditTrail> auditTrail;
    private final Lazy<KeyItems> keyItems;
    private final Lazy<KeyWrapper> keyWrapper;
    private final Lazy<SecretCipher> cipher;
    private final Lazy<KeyedHash> keyedHash;
    private final Lazy<AssertionSigner> assertionSigner;
    private final Lazy<Mailer> mailer;
    private final Lazy<SmsSender> smsSender;
    private final Lazy<SecurityEvents> events;
    /** Whether this function is given the secrets key (the template gives it only to functions that use it). */
    private final boolean hasSecretsKey;

    public AwsAdapters(Config config) {
        this.hasSecretsKey = config.optional("KMS_KEY_ID").isPresent();
        AwsClients clients = new AwsClients(
                Region.of(config.required("AWS_REGION")),
                config.optionalUrl("AWS_ENDPOINT_URL"),
                AwsBudget.from(config));
        this.dynamoDb = new Lazy<>(() -> new DynamoDbAdapters(clients, config.required("TABLE_NAME")));
        this.kms = new Lazy<>(() -> new KmsAdapters(clients));
        this.ses = new Lazy<>(() -> new SesAdapters(clients));
        this.sns = new Lazy<>(() -> new SnsAdapters(clients));
        this.eventBridge = new Lazy<>(() -> new EventBridgeAdapters(clients));
        this.store = new Lazy<>(() -> dynamoDb.get().store(auditRetention(config), Wiring.secureRandom()));
        this.auditTrail = new Lazy<>(() -> dynamoDb.get().auditTrail(auditRetention(config), Wiring.secureRandom()));
        this.keyItems = new Lazy<>(() -> dynamoDb.get().keyItems());
        this.keyWrapper = new Lazy<>(() -> kms.get().keyWrapper(config.required("KMS_KEY_ID")));
        this.cipher = new Lazy<>(() -> secretCipher(config));
        this.keyedHash = new Lazy<>(() -> kms.get().keyedHash(config.required("MAC_KEY_ID")));
        this.assertionSigner = new Lazy<>(() -> assertionSigner(config));
        this.mailer = new Lazy<>(() -> ses.get().mailer(config.required("SENDER_EMAIL")));
        this.smsSender = new Lazy<>(() -> sns.get().smsSender(config.optional("SMS_SENDER_ID")));
        // Every security event is logged, audited and published (EVENT_BUS_NAME, default: the account's
        // default bus); only the functions that record events ship the EventBridge SDK.
        this.events = new Lazy<>(() -> new AuditedEvents(
                auditTrail.get(),
                new PublishedEvents(
                        new LambdaSecurityLog(),
                        eventBridge.get().bus(config.optional("EVENT_BUS_NAME").orElse("default")))));
    }

    /**
     * SECRETS_ENCRYPTION: envelope (default) or kms for new ciphertexts; either reads both formats. The
     * KMS client is built now in both modes (no call is made), so priming reaches it: the first
     * envelope decrypt unwraps the data key through it.
     */
    private SecretCipher secretCipher(Config config) {
        String keyId = config.required("KMS_KEY_ID");
        boolean envelope = CryptoModes.secretsEnvelope(config);
        SecretCipher kmsCipher = kms.get().cipher(keyId);
        SecretCipher envelopeCipher =
                new EnvelopeSecretCipher(keyItems.get(), keyWrapper::get, Wiring.secureRandom(), Clock.systemUTC());
        return new SecretFormat(envelope, kmsCipher, envelopeCipher);
    }

    /**
     * ASSERTION_SIGNING: envelope (default; the key items in the table, KMS only to unwrap or create a
     * key, reached on first use, so the jwks function never builds a KMS client) or kms (KMS Sign).
     */
    private AssertionSigner assertionSigner(Config config) {
        if (!CryptoModes.assertionsEnvelope(config)) {
            return kms.get().assertionSigner(config.required("ASSERTION_KEY_ID"));
        }
        return new EnvelopeAssertionSigner(
                keyItems.get(),
                keyWrapper::get,
                CryptoModes.keySchedule(config),
                Wiring.secureRandom(),
                Clock.systemUTC());
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

    /**
     * SnapStart priming of the SDK request path: one harmless read per client this function built
     * (none is built here), each failure left to {@code failed} so that a dependency down at init
     * costs a slower first request, never a failed init.
     */
    void prime(BiConsumer<String, RuntimeException> failed) {
        dynamoDb.ifBuilt(f -> attempt("DynamoDB", f::prime, failed));
        kms.ifBuilt(f -> attempt("KMS", f::prime, failed));
        ses.ifBuilt(f -> attempt("SES", f::prime, failed));
        sns.ifBuilt(f -> attempt("SNS", f::prime, failed));
        eventBridge.ifBuilt(f -> attempt("EventBridge", f::prime, failed));
    }

    /**
     * After a SnapStart restore (never before the snapshot): reads and unwraps the envelope keys this
     * function's cipher and signer already use, so its first request does not wait on the key items and
     * KMS Decrypt. Creates no key; a failure is left to {@code failed}, and first use tries again.
     */
    void loadKeysAfterRestore(BiConsumer<String, RuntimeException> failed) {
        // The use cases that check authenticator codes resolve the cipher on first use (Wiring), so it
        // is built here when the function is given the secrets key.
        if (hasSecretsKey) {
            attempt(
                    "the secrets data key",
                    () -> {
                        try {
                            if (cipher.get() instanceof SecretFormat format) {
                                format.loadKeys();
                            }
                        } catch (LinkageError e) {
                            // A jar without the KMS SDK: nothing to load ahead; first use would fail the same.
                            throw new IllegalStateException("KMS SDK not shipped", e);
                        }
                    },
                    failed);
        }
        assertionSigner.ifBuilt(s -> {
            if (s instanceof EnvelopeAssertionSigner signer) {
                attempt("the assertion signing key", signer::loadKeys, failed);
            }
        });
    }

    /**
     * Closes the SDK clients built so far (each holds an HTTP client and a timer thread for its call
     * timeouts). A Lambda instance never calls it; the fault tier builds a fresh instance per case.
     */
    @Override
    public void close() {
        dynamoDb.ifBuilt(DynamoDbAdapters::close);
        kms.ifBuilt(KmsAdapters::close);
        ses.ifBuilt(SesAdapters::close);
        sns.ifBuilt(SnsAdapters::close);
        eventBridge.ifBuilt(EventBridgeAdapters::close);
    }

    private static void attempt(String service, Runnable call, BiConsumer<String, RuntimeException> failed) {
        try {
            call.run();
        } catch (RuntimeException e) {
            failed.accept(service, e);
        }
    }

    /** How long audit items live (AUDIT_RETENTION_DAYS, default 400: a year and a bit, for yearly reviews). */
    public static Duration auditRetention(Config config) {
        return Duration.ofDays(config.integer("AUDIT_RETENTION_DAYS", 400, 1, 3650));
    }
}
