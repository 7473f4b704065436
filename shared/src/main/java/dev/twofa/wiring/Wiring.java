package dev.twofa.wiring;

import dev.twofa.app.ActivateLink;
import dev.twofa.app.Activity;
import dev.twofa.app.ConfirmTotp;
import dev.twofa.app.DeviceChallenges;
import dev.twofa.app.DisableTotp;
import dev.twofa.app.Jwks;
import dev.twofa.app.ListDevices;
import dev.twofa.app.ListWebAuthn;
import dev.twofa.app.OrgPolicyChange;
import dev.twofa.app.RegenerateRecoveryCodes;
import dev.twofa.app.RegisterDevice;
import dev.twofa.app.RegisterWebAuthn;
import dev.twofa.app.RemoveWebAuthn;
import dev.twofa.app.RenameWebAuthn;
import dev.twofa.app.RevokeDevices;
import dev.twofa.app.SmsConfirm;
import dev.twofa.app.SmsSend;
import dev.twofa.app.StartEnable;
import dev.twofa.app.Status;
import dev.twofa.app.SupportReset;
import dev.twofa.app.VerifyLogin;
import dev.twofa.app.WebAuthnAuthenticationOptions;
import dev.twofa.app.WebAuthnRegistrationOptions;
import dev.twofa.app.common.AssertionIssuer;
import dev.twofa.app.common.AssertionVerifier;
import dev.twofa.app.common.AttemptGuard;
import dev.twofa.app.common.CodeVerifier;
import dev.twofa.app.common.DeviceSignIn;
import dev.twofa.app.common.Notifications;
import dev.twofa.app.common.StepUp;
import dev.twofa.app.common.WebAuthnCeremonies;
import dev.twofa.app.common.WebAuthnSignIn;
import dev.twofa.config.AssertionSettings;
import dev.twofa.config.Config;
import dev.twofa.config.SmsSettings;
import dev.twofa.config.TotpSettings;
import dev.twofa.config.WebAuthnSettings;
import dev.twofa.domain.device.DevicePolicy;
import dev.twofa.domain.lockout.LockoutPolicy;
import dev.twofa.domain.otp.OtpPolicy;
import dev.twofa.domain.otp.SecretGenerator;
import dev.twofa.domain.otp.Totp;
import dev.twofa.domain.sms.PhoneNumbers;
import dev.twofa.domain.sms.SendBudget;
import dev.twofa.domain.sms.SendLimits;
import dev.twofa.domain.sms.SmsCodes;
import dev.twofa.port.SecretCipher;
import dev.twofa.port.SecretContext;
import dev.twofa.port.WebAuthnVerifier;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Builds each use case from its adapters. A handler's no-argument constructor calls exactly one of
 * these methods, so only the adapters (and SDK clients) that use case needs are created, at init.
 */
public final class Wiring {
    /** The value of SMS_ALLOWED_COUNTRIES that allows every country: chosen by name, never by leaving it empty. */
    public static final String ALL_COUNTRIES = "ALL";
    /** The package of the use cases: {@link #useCase} hands out these and nothing else. */
    private static final String USE_CASES = StartEnable.class.getPackageName();

    private final Adapters adapters;
    private final Config config;
    private final Clock clock;
    private final SecureRandom random;
    /** Production only: tests and the local run wire their own adapters and prime nothing. */
    private final Optional<Priming> priming;

    public Wiring(Adapters adapters, Config config, Clock clock, SecureRandom random) {
        this(adapters, config, clock, random, Optional.empty());
    }

    private Wiring(Adapters adapters, Config config, Clock clock, SecureRandom random, Optional<Priming> priming) {
        this.adapters = adapters;
        this.config = config;
        this.clock = clock;
        this.random = random;
        this.priming = priming;
    }

    /** Production wiring: AWS adapters configured from the Lambda environment. */
    public static Wiring fromEnvironment() {
        return from(Config.fromEnvironment());
    }

    /** Production wiring from the given configuration. */
    static Wiring from(Config config) {
        AwsAdapters adapters = new AwsAdapters(config);
        return new Wiring(
                adapters, config, Clock.systemUTC(), secureRandom(), Optional.of(new Priming(adapters, config)));
    }

    /**
     * NativePRNGNonBlocking reads /dev/urandom for every request, so two Lambda environments
     * restored from one SnapStart snapshot do not share a random stream.
     */
    public static SecureRandom secureRandom() {
        try {
            return SecureRandom.getInstance("NativePRNGNonBlocking");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    public StartEnable startEnable() {
        return primed(new StartEnable(
                adapters.store(), stepUp(), notifications(), adapters.events(), random, clock, totpSettings()));
    }

    public ActivateLink activateLink() {
        return primed(
                new ActivateLink(
                        adapters.store(),
                        adapters.cipher(),
                        new SecretGenerator(random),
                        adapters.events(),
                        clock,
                        totpSettings()),
                DomainPriming::qrCode);
    }

    public ConfirmTotp confirmTotp() {
        return primed(
                new ConfirmTotp(
                        adapters.store(),
                        adapters.cipher(),
                        guard(),
                        notifications(),
                        adapters.events(),
                        random,
                        clock,
                        totp(),
                        config.orDefault("TOTP_ISSUER", "TwoFA")),
                DomainPriming::recoveryCodes);
    }

    public VerifyLogin verifyLogin() {
        WebAuthnVerifier webauthn = WebAuthnAdapters.verifier();
        return primed(
                new VerifyLogin(
                        adapters.store(),
                        verifier(),
                        notifications(),
                        assertions(),
                        clock,
                        new DeviceSignIn(adapters.store(), guard(), adapters.events()),
                        new WebAuthnSignIn(
                                adapters.store(), guard(), adapters.events(), webauthn, webauthnCeremonies())),
                DomainPriming::recoveryCodes,
                () -> DomainPriming.webauthn(webauthn));
    }

    public RegenerateRecoveryCodes regenerateRecoveryCodes() {
        return primed(
                new RegenerateRecoveryCodes(
                        adapters.store(), stepUp(), notifications(), adapters.events(), random, clock),
                DomainPriming::recoveryCodes);
    }

    public Activity activity() {
        return primed(new Activity(adapters.auditTrail()));
    }

    public Jwks jwks() {
        return primed(new Jwks(adapters.assertionSigner()));
    }

    public SupportReset supportReset() {
        return primed(new SupportReset(adapters.store(), notifications(), adapters.events(), clock));
    }

    public OrgPolicyChange orgPolicyChange() {
        return primed(new OrgPolicyChange(adapters.store(), adapters.events(), clock));
    }

    public DisableTotp disableTotp() {
        return primed(new DisableTotp(adapters.store(), stepUp(), notifications(), adapters.events(), clock));
    }

    public SmsSend smsSend() {
        SmsSettings settings = smsSettings();
        return primed(
                new SmsSend(
                        adapters.store(),
                        adapters.cipher(),
                        adapters.keyedHash(),
                        adapters.smsSender(),
                        guard(),
                        stepUp(),
                        adapters.events(),
                        random,
                        clock,
                        settings),
                () -> DomainPriming.phoneNumber(settings.phoneNumbers()));
    }

    public SmsConfirm smsConfirm() {
        return primed(new SmsConfirm(
                adapters.store(),
                adapters.keyedHash(),
                guard(),
                stepUp(),
                notifications(),
                adapters.events(),
                assertions(),
                clock));
    }

    public DeviceChallenges deviceChallenges() {
        return primed(new DeviceChallenges(adapters.store(), random, clock));
    }

    public RegisterDevice registerDevice() {
        return primed(new RegisterDevice(
                adapters.store(), verifier(), adapters.events(), notifications(), random, clock, deviceLifetime()));
    }

    public ListDevices listDevices() {
        return primed(new ListDevices(adapters.store(), clock));
    }

    public RevokeDevices revokeDevices() {
        return primed(new RevokeDevices(adapters.store(), adapters.events(), clock));
    }

    /** DEVICE_LIFETIME_DAYS: how long a remembered device stays remembered, 1 to 90 days (default 30). */
    Duration deviceLifetime() {
        return Duration.ofDays(
                config.integer("DEVICE_LIFETIME_DAYS", (int) DevicePolicy.DEFAULT_LIFETIME.toDays(), 1, (int)
                        DevicePolicy.MAX_LIFETIME.toDays()));
    }

    public WebAuthnRegistrationOptions webauthnRegistrationOptions() {
        return primed(new WebAuthnRegistrationOptions(
                adapters.store(), stepUp(), webauthnCeremonies(), adapters.events(), clock));
    }

    public RegisterWebAuthn registerWebAuthn() {
        WebAuthnVerifier webauthn = WebAuthnAdapters.verifier();
        return primed(
                new RegisterWebAuthn(
                        adapters.store(), webauthn, webauthnCeremonies(), adapters.events(), notifications(), clock),
                () -> DomainPriming.webauthn(webauthn));
    }

    public WebAuthnAuthenticationOptions webauthnAuthenticationOptions() {
        return primed(new WebAuthnAuthenticationOptions(adapters.store(), webauthnCeremonies(), clock));
    }

    public ListWebAuthn listWebAuthn() {
        return primed(new ListWebAuthn(adapters.store()));
    }

    public RenameWebAuthn renameWebAuthn() {
        return primed(new RenameWebAuthn(adapters.store(), adapters.events(), clock));
    }

    public RemoveWebAuthn removeWebAuthn() {
        return primed(new RemoveWebAuthn(adapters.store(), stepUp(), notifications(), adapters.events(), clock));
    }

    /** WEBAUTHN_RP_ID, WEBAUTHN_ORIGINS, WEBAUTHN_USER_VERIFICATION (see {@link WebAuthnSettings#from}). */
    private WebAuthnCeremonies webauthnCeremonies() {
        return new WebAuthnCeremonies(WebAuthnSettings.from(config), random);
    }

    public Status status() {
        return primed(new Status(adapters.store(), LockoutPolicy.DEFAULT, clock));
    }

    /**
     * Every use case goes out through here, once built (so the SDK clients it calls exist): in
     * production, its request path is primed before the SnapStart snapshot ({@link Priming}).
     */
    private <T> T primed(T useCase, Runnable... domainSteps) {
        priming.ifPresent(p -> p.armed(List.of(domainSteps)));
        return useCase;
    }

    /**
     * The use case a handler's injecting constructor takes, by type: lets the local run and the
     * tests build any handler named in template.yaml without knowing it. The factory is this class's
     * public method returning that type, so each use case is listed once, by its method above.
     */
    public Object useCase(Class<?> type) {
        for (Method factory : Wiring.class.getMethods()) {
            if (factory.getReturnType() == type
                    && factory.getParameterCount() == 0
                    && !Modifier.isStatic(factory.getModifiers())
                    && type.getPackageName().equals(USE_CASES)) {
                try {
                    return factory.invoke(this);
                } catch (InvocationTargetException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalArgumentException("no use case of type " + type.getName());
    }

    private CodeVerifier verifier() {
        return new CodeVerifier(
                adapters.store(),
                cipherOnFirstUse(),
                guard(),
                adapters.events(),
                notifications(),
                new AssertionVerifier(adapters.assertionSigner(), assertionSettings()),
                totp());
    }

    /**
     * The secrets cipher, resolved when an authenticator code is first checked: sms-confirm takes
     * step-up proofs without one (recovery code, assertion), so it needs no secrets key at all.
     */
    private SecretCipher cipherOnFirstUse() {
        return new SecretCipher() {
            @Override
            public byte[] encrypt(byte[] plaintext, SecretContext context) {
                return adapters.cipher().encrypt(plaintext, context);
            }

            @Override
            public byte[] decrypt(byte[] ciphertext, SecretContext context) {
                return adapters.cipher().decrypt(ciphertext, context);
            }
        };
    }

    private StepUp stepUp() {
        return new StepUp(verifier());
    }

    private AttemptGuard guard() {
        return new AttemptGuard(adapters.store(), LockoutPolicy.DEFAULT, adapters.events(), notifications());
    }

    private Notifications notifications() {
        return new Notifications(adapters.mailer(), adapters.store(), adapters.events(), clock);
    }

    private Totp totp() {
        return new Totp(OtpPolicy.DEFAULT);
    }

    private AssertionIssuer assertions() {
        return new AssertionIssuer(adapters.assertionSigner(), assertionSettings(), random);
    }

    private AssertionSettings assertionSettings() {
        return new AssertionSettings(
                config.orDefault("ASSERTION_ISSUER", "twofa"),
                config.orDefault("ASSERTION_AUDIENCE", "twofa-app"),
                config.seconds(
                        "ASSERTION_TTL_SECONDS",
                        AssertionSettings.MAX_LIFETIME,
                        Duration.ofSeconds(30),
                        AssertionSettings.MAX_LIFETIME));
    }

    SmsSettings smsSettings() {
        SendBudget account = SendBudget.perHour(
                config.integer("SMS_HOURLY_BUDGET", SmsSettings.DEFAULT_HOURLY_BUDGET, 1, SendBudget.MAX_PER_HOUR));
        SendBudget country = SendBudget.perHour(config.integer(
                "SMS_COUNTRY_HOURLY_BUDGET", SmsSettings.DEFAULT_COUNTRY_HOURLY_BUDGET, 1, SendBudget.MAX_PER_HOUR));
        if (country.perHour() > account.perHour()) {
            throw new Config.ConfigException("SMS_COUNTRY_HOURLY_BUDGET", "must not exceed SMS_HOURLY_BUDGET");
        }
        return new SmsSettings(
                config.orDefault("TOTP_ISSUER", "TwoFA"),
                new PhoneNumbers(allowedSmsCountries()),
                config.seconds(
                        "SMS_CODE_TTL_SECONDS", SmsCodes.CODE_LIFETIME, Duration.ofMinutes(1), SmsCodes.MAX_LIFETIME),
                new SendLimits(
                        config.integer("SMS_SENDS_PER_HOUR", SendLimits.DEFAULT.maxPerWindow(), 1, 100),
                        Duration.ofHours(1),
                        Duration.ofSeconds(config.integer(
                                "SMS_SECONDS_BETWEEN_SENDS",
                                (int) SendLimits.DEFAULT.minInterval().toSeconds(),
                                0,
                                3600))),
                account,
                country);
    }

    /**
     * Required, with no permissive default: the allow-list is the main guard against SMS pumping,
     * so sending to every country must be asked for by name ({@code ALL}).
     */
    private Set<String> allowedSmsCountries() {
        String variable = "SMS_ALLOWED_COUNTRIES";
        config.required(variable);
        List<String> codes = config.list(variable).stream()
                .map(c -> c.toUpperCase(Locale.ROOT))
                .toList();
        if (codes.isEmpty()) {
            throw new Config.ConfigException(variable, "must list ISO 3166-1 alpha-2 codes, e.g. DK,SE (or be ALL)");
        }
        if (codes.equals(List.of(ALL_COUNTRIES))) {
            return Set.of();
        }
        if (codes.contains(ALL_COUNTRIES)) {
            throw new Config.ConfigException(variable, "is either ALL or a list of ISO 3166-1 alpha-2 codes");
        }
        try {
            return new PhoneNumbers(Set.copyOf(codes)).allowedRegions();
        } catch (IllegalArgumentException e) {
            throw new Config.ConfigException(variable, "must list ISO 3166-1 alpha-2 codes, e.g. DK,SE (or be ALL)");
        }
    }

    private TotpSettings totpSettings() {
        return new TotpSettings(
                config.orDefault("TOTP_ISSUER", "TwoFA"),
                config.url("APP_BASE_URL"),
                config.seconds(
                        "ACTIVATION_TTL_SECONDS",
                        Duration.ofMinutes(15),
                        Duration.ofMinutes(1),
                        TotpSettings.MAX_ACTIVATION_TTL),
                OtpPolicy.DEFAULT);
    }
}
