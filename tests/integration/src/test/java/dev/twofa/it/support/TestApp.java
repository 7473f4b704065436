package dev.twofa.it.support;

import dev.twofa.app.common.AuditedEvents;
import dev.twofa.aws.KmsAssertionSigner;
import dev.twofa.aws.KmsKeyWrapper;
import dev.twofa.aws.KmsKeyedHash;
import dev.twofa.aws.KmsSecretCipher;
import dev.twofa.aws.SesMailer;
import dev.twofa.aws.SnsSmsSender;
import dev.twofa.aws.store.DynamoAuditTrail;
import dev.twofa.aws.store.DynamoKeyItems;
import dev.twofa.aws.store.DynamoTable;
import dev.twofa.aws.store.DynamoTwoFactorStore;
import dev.twofa.config.Config;
import dev.twofa.envelope.EnvelopeAssertionSigner;
import dev.twofa.envelope.EnvelopeSecretCipher;
import dev.twofa.envelope.KeySchedule;
import dev.twofa.envelope.SecretFormat;
import dev.twofa.functions.activatelink.ActivateLinkHandler;
import dev.twofa.functions.activity.ActivityHandler;
import dev.twofa.functions.confirmtotp.ConfirmTotpHandler;
import dev.twofa.functions.devicechallenge.DeviceChallengeHandler;
import dev.twofa.functions.devicelist.DeviceListHandler;
import dev.twofa.functions.deviceregister.DeviceRegisterHandler;
import dev.twofa.functions.devicerevoke.DeviceRevokeHandler;
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
import dev.twofa.functions.webauthnauthenticateoptions.WebAuthnAuthenticateOptionsHandler;
import dev.twofa.functions.webauthncredentials.WebAuthnCredentialsHandler;
import dev.twofa.functions.webauthnregister.WebAuthnRegisterHandler;
import dev.twofa.functions.webauthnregisteroptions.WebAuthnRegisterOptionsHandler;
import dev.twofa.functions.webauthnremove.WebAuthnRemoveHandler;
import dev.twofa.functions.webauthnrename.WebAuthnRenameHandler;
import dev.twofa.http.LambdaSecurityLog;
import dev.twofa.port.AssertionSigner;
import dev.twofa.port.KeyItems;
import dev.twofa.port.KeyedHash;
import dev.twofa.port.Mailer;
import dev.twofa.port.SecretCipher;
import dev.twofa.port.SmsSender;
import dev.twofa.port.TwoFactorStore;
import dev.twofa.wiring.Adapters;
import dev.twofa.wiring.CryptoModes;
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
 *
 * <p>Keys in the modes production defaults to (envelope secrets and assertion signing), unless the
 * settings name ASSERTION_SIGNING / SECRETS_ENCRYPTION, or TWOFA_CRYPTO (system property
 * twofa.crypto) = kms runs the whole suite with the KMS-per-call options.
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
    /** The envelope key items (data key, assertion keys) in this app's table. */
    public final KeyItems keyItems;
    /** KMS wrapping the envelope keys under {@link #keyId}. */
    public final KmsKeyWrapper keyWrapper;

    public final boolean envelopeSecrets;
    public final boolean envelopeSigning;
    public final AssertionSigner assertionSigner;
    private final SecretCipher cipher;
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
        Config modes = modes(this.settings);
        envelopeSecrets = CryptoModes.secretsEnvelope(modes);
        envelopeSigning = CryptoModes.assertionsEnvelope(modes);
        keyItems = new DynamoKeyItems(dynamo, table);
        keyWrapper = new KmsKeyWrapper(kms, keyId);
        assertionSigner = assertionSigner(envelopeSigning);
        cipher = secretCipher(envelopeSecrets);
        auditTrail = new DynamoAuditTrail(dynamo, table, Duration.ofDays(400), new SecureRandom());
        events = new TestSecurityEvents(new AuditedEvents(auditTrail, new LambdaSecurityLog()));
        Emulators.verifySesIdentity(SENDER);
        DynamoTable.create(dynamo, table);
        wiring = withAdapters(new DynamoTwoFactorStore(dynamo, table, auditTrail), cipher, new SesMailer(ses, SENDER));
    }

    /** The suite's key modes: the test's own settings first, then TWOFA_CRYPTO, else the production defaults. */
    private static Config modes(Map<String, String> settings) {
        Map<String, String> modes = new HashMap<>();
        String suite = Emulators.setting("TWOFA_CRYPTO", "twofa.crypto");
        if (suite != null) {
            modes.put(CryptoModes.ASSERTION_SIGNING, suite);
            modes.put(CryptoModes.SECRETS_ENCRYPTION, suite);
        }
        modes.putAll(settings);
        return new Config(modes);
    }

    /**
     * A new secrets cipher as a fresh Lambda instance would build it (nothing unwrapped yet): writing
     * envelope or KMS ciphertexts, reading both.
     */
    public SecretCipher secretCipher(boolean envelope) {
        return new SecretFormat(
                envelope,
                new KmsSecretCipher(kms, keyId),
                new EnvelopeSecretCipher(keyItems, () -> keyWrapper, new SecureRandom(), clock));
    }

    /** A new assertion signer as a fresh Lambda instance would build it: envelope keys, or KMS Sign. */
    public AssertionSigner assertionSigner(boolean envelope) {
        return envelope
                ? new EnvelopeAssertionSigner(
                        keyItems, () -> keyWrapper, KeySchedule.defaults(), new SecureRandom(), clock)
                : new KmsAssertionSigner(kms, assertionKeyId);
    }

    /** The same wiring with some adapters swapped, e.g. for a failing dependency. */
    public Wiring withAdapters(TwoFactorStore store, SecretCipher cipher, Mailer mailer) {
        return withAdapters(
                store, cipher, mailer, new KmsKeyedHash(kms, macKeyId), new SnsSmsSender(sns, Optional.of("TwoFA")));
    }

    public Wiring withAdapters(
            TwoFactorStore store, SecretCipher cipher, Mailer mailer, KeyedHash keyedHash, SmsSender smsSender) {
        return withAdapters(store, cipher, mailer, keyedHash, smsSender, assertionSigner);
    }

    /** The same wiring on other key adapters, e.g. another instance, or after the operator switched modes. */
    public Wiring withKeys(SecretCipher cipher, AssertionSigner signer) {
        return withAdapters(
                new DynamoTwoFactorStore(dynamo, table, auditTrail),
                cipher,
                new SesMailer(ses, SENDER),
                new KmsKeyedHash(kms, macKeyId),
                new SnsSmsSender(sns, Optional.of("TwoFA")),
                signer);
    }

    public Wiring withAdapters(
            TwoFactorStore store,
            SecretCipher cipher,
            Mailer mailer,
            KeyedHash keyedHash,
            SmsSender smsSender,
            AssertionSigner signer) {
        return wiring(store, cipher, mailer, keyedHash, smsSender, signer, Map.of());
    }

    /**
     * Another deployment of the service on this app's table, keys and emulators, with some settings
     * changed, e.g. another ASSERTION_AUDIENCE (a second relying application sharing the keys).
     */
    public Wiring withSettings(Map<String, String> changed) {
        return wiring(
                new DynamoTwoFactorStore(dynamo, table, auditTrail),
                cipher,
                new SesMailer(ses, SENDER),
                new KmsKeyedHash(kms, macKeyId),
                new SnsSmsSender(sns, Optional.of("TwoFA")),
                assertionSigner,
                changed);
    }

    private Wiring wiring(
            TwoFactorStore store,
            SecretCipher cipher,
            Mailer mailer,
            KeyedHash keyedHash,
            SmsSender smsSender,
            AssertionSigner signer,
            Map<String, String> changed) {
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
        env.putAll(changed);
        Config config = new Config(env);
        Adapters adapters = new FixedAdapters(store, cipher, mailer, keyedHash, smsSender, auditTrail, signer, events);
        return new Wiring(adapters, config, clock, new SecureRandom());
    }

    /** The secrets cipher of this app's wiring. */
    public SecretCipher cipher() {
        return cipher;
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

    public DeviceChallengeHandler deviceChallenge() {
        return new DeviceChallengeHandler(wiring.deviceChallenges());
    }

    public DeviceRegisterHandler deviceRegister() {
        return new DeviceRegisterHandler(wiring.registerDevice());
    }

    public DeviceListHandler deviceList() {
        return new DeviceListHandler(wiring.listDevices());
    }

    public DeviceRevokeHandler deviceRevoke() {
        return new DeviceRevokeHandler(wiring.revokeDevices());
    }

    public WebAuthnRegisterOptionsHandler webauthnRegisterOptions() {
        return new WebAuthnRegisterOptionsHandler(wiring.webauthnRegistrationOptions());
    }

    public WebAuthnRegisterHandler webauthnRegister() {
        return new WebAuthnRegisterHandler(wiring.registerWebAuthn());
    }

    public WebAuthnAuthenticateOptionsHandler webauthnAuthenticateOptions() {
        return new WebAuthnAuthenticateOptionsHandler(wiring.webauthnAuthenticationOptions());
    }

    public WebAuthnCredentialsHandler webauthnCredentials() {
        return new WebAuthnCredentialsHandler(wiring.listWebAuthn());
    }

    public WebAuthnRenameHandler webauthnRename() {
        return new WebAuthnRenameHandler(wiring.renameWebAuthn());
    }

    public WebAuthnRemoveHandler webauthnRemove() {
        return new WebAuthnRemoveHandler(wiring.removeWebAuthn());
    }
}
