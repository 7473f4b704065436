package dev.twofa.it.support;

import dev.twofa.app.AuditedEvents;
import dev.twofa.aws.DynamoAuditTrail;
import dev.twofa.aws.DynamoTable;
import dev.twofa.aws.DynamoTwoFactorStore;
import dev.twofa.aws.KmsAssertionSigner;
import dev.twofa.aws.KmsKeyedHash;
import dev.twofa.aws.KmsSecretCipher;
import dev.twofa.aws.SesMailer;
import dev.twofa.aws.SnsSmsSender;
import dev.twofa.config.Config;
import dev.twofa.functions.activatelink.ActivateLinkHandler;
import dev.twofa.functions.activity.ActivityHandler;
import dev.twofa.functions.confirmtotp.ConfirmTotpHandler;
import dev.twofa.functions.disable.DisableHandler;
import dev.twofa.functions.jwks.JwksHandler;
import dev.twofa.functions.orgpolicy.OrgPolicyHandler;
import dev.twofa.functions.regeneraterecoverycodes.RegenerateRecoveryCodesHandler;
import dev.twofa.functions.smsconfirm.SmsConfirmHandler;
import dev.twofa.functions.smssend.SmsSendHandler;
import dev.twofa.functions.startenable.StartEnableHandler;
import dev.twofa.functions.status.StatusHandler;
import dev.twofa.functions.supportreset.SupportResetHandler;
import dev.twofa.functions.verifylogin.VerifyLoginHandler;
import dev.twofa.http.LambdaSecurityLog;
import dev.twofa.port.KeyedHash;
import dev.twofa.port.Mailer;
import dev.twofa.port.SecretCipher;
import dev.twofa.port.SmsSender;
import dev.twofa.port.TwoFactorStore;
import dev.twofa.wiring.Adapters;
import dev.twofa.wiring.FixedAdapters;
import dev.twofa.wiring.Wiring;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The production adapters (DynamoDB, KMS, SES, SNS) pointed at the emulators, wired into the real
 * handlers exactly as their no-argument constructors would, with a clock the test controls.
 */
public final class TestApp {
    public static final String SENDER = "no-reply@twofa.test";
    public static final String APP_BASE_URL = "https://app.twofa.test";
    public static final String ASSERTION_ISSUER = "https://2fa.twofa.test";
    public static final String ASSERTION_AUDIENCE = "app.twofa.test";

    /**
     * Starts at the real time (5 s into a time step), not a fixed date: DynamoDB Local runs a TTL
     * deletion job on the wall clock, which would delete items a fixed past date made "expired".
     */
    public final MutableClock clock =
            new MutableClock(Instant.ofEpochSecond(Instant.now().getEpochSecond() / 30 * 30 + 5));

    public final RecordingInterceptor dynamoRequests = new RecordingInterceptor();
    /** Every KMS call the adapters make (the test's own key set-up included): calls per request on the wire. */
    public final RecordingInterceptor kmsRequests = new RecordingInterceptor();

    public final TestSecurityEvents events;
    public final DynamoAuditTrail auditTrail;
    public final String table = "twofa-it-" + UUID.randomUUID();
    public final DynamoDbClient dynamo;
    public final KmsClient kms;
    public final SesClient ses;
    public final SnsClient sns;
    public final String keyId;
    public final String macKeyId;
    public final String assertionKeyId;
    public final KmsAssertionSigner assertionSigner;
    private final Map<String, String> settings;
    private final Wiring wiring;

    public TestApp() {
        this(Map.of());
    }

    /** With some of the functions' environment variables set, e.g. SMS_HOURLY_BUDGET. */
    public TestApp(Map<String, String> settings) {
        this.settings = Map.copyOf(settings);
        dynamo = Emulators.at(Emulators.dynamoEndpoint(), DynamoDbClient.builder())
                .overrideConfiguration(o -> o.addExecutionInterceptor(dynamoRequests))
                .build();
        kms = Emulators.at(Emulators.awsEndpoint(), KmsClient.builder())
                .overrideConfiguration(o -> o.addExecutionInterceptor(kmsRequests))
                .build();
        ses = Emulators.ses();
        sns = Emulators.sns();
        keyId = Emulators.createKmsKey();
        macKeyId = kms.createKey(k -> k.keySpec(KeySpec.HMAC_256).keyUsage(KeyUsageType.GENERATE_VERIFY_MAC))
                .keyMetadata()
                .keyId();
        assertionKeyId = kms.createKey(k -> k.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY))
                .keyMetadata()
                .keyId();
        assertionSigner = new KmsAssertionSigner(kms, assertionKeyId);
        auditTrail = new DynamoAuditTrail(dynamo, table, Duration.ofDays(400), new SecureRandom());
        events = new TestSecurityEvents(new AuditedEvents(auditTrail, new LambdaSecurityLog()));
        Emulators.verifySesIdentity(SENDER);
        DynamoTable.create(dynamo, table);
        wiring = withAdapters(
                new DynamoTwoFactorStore(dynamo, table, auditTrail),
                new KmsSecretCipher(kms, keyId),
                new SesMailer(ses, SENDER));
    }

    /** The same wiring with some adapters swapped, e.g. for a failing dependency. */
    public Wiring withAdapters(TwoFactorStore store, SecretCipher cipher, Mailer mailer) {
        return withAdapters(
                store, cipher, mailer, new KmsKeyedHash(kms, macKeyId), new SnsSmsSender(sns, Optional.of("TwoFA")));
    }

    public Wiring withAdapters(
            TwoFactorStore store, SecretCipher cipher, Mailer mailer, KeyedHash keyedHash, SmsSender smsSender) {
        Map<String, String> env = new HashMap<>(Map.of(
                "APP_BASE_URL",
                APP_BASE_URL,
                "TOTP_ISSUER",
                "TwoFA Test",
                "SMS_ALLOWED_COUNTRIES",
                "DK,GB,US,DE,SE",
                "ASSERTION_ISSUER",
                ASSERTION_ISSUER,
                "ASSERTION_AUDIENCE",
                ASSERTION_AUDIENCE));
        env.putAll(settings);
        Config config = new Config(env);
        Adapters adapters =
                new FixedAdapters(store, cipher, mailer, keyedHash, smsSender, auditTrail, assertionSigner, events);
        return new Wiring(adapters, config, clock, new SecureRandom());
    }

    public Wiring wiring() {
        return wiring;
    }

    public StartEnableHandler startEnable() {
        return new StartEnableHandler(wiring.startEnable());
    }

    public ActivateLinkHandler activateLink() {
        return new ActivateLinkHandler(wiring.activateLink());
    }

    public ConfirmTotpHandler confirmTotp() {
        return new ConfirmTotpHandler(wiring.confirmTotp());
    }

    public VerifyLoginHandler verifyLogin() {
        return new VerifyLoginHandler(wiring.verifyLogin());
    }

    public DisableHandler disable() {
        return new DisableHandler(wiring.disableTotp());
    }

    public SmsSendHandler smsSend() {
        return new SmsSendHandler(wiring.smsSend());
    }

    public SmsConfirmHandler smsConfirm() {
        return new SmsConfirmHandler(wiring.smsConfirm());
    }

    public RegenerateRecoveryCodesHandler regenerateRecoveryCodes() {
        return new RegenerateRecoveryCodesHandler(wiring.regenerateRecoveryCodes());
    }

    public ActivityHandler activity() {
        return new ActivityHandler(wiring.activity());
    }

    public JwksHandler jwks() {
        return new JwksHandler(wiring.jwks());
    }

    public SupportResetHandler supportReset() {
        return new SupportResetHandler(wiring.supportReset());
    }

    public OrgPolicyHandler orgPolicy() {
        return new OrgPolicyHandler(wiring.orgPolicyChange());
    }

    public StatusHandler status() {
        return new StatusHandler(wiring.status());
    }
}
