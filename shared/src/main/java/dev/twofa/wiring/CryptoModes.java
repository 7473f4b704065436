package dev.twofa.wiring;

import dev.twofa.config.Config;
import dev.twofa.envelope.KeySchedule;
import java.time.Duration;

/**
 * The two key-handling choices an operator makes (docs/threat-model.md, "Envelope keys", weighs them):
 * ASSERTION_SIGNING and SECRETS_ENCRYPTION, each {@value #ENVELOPE} (default) or {@value #KMS}.
 */
public final class CryptoModes {
    public static final String ENVELOPE = "envelope";
    public static final String KMS = "kms";
    public static final String ASSERTION_SIGNING = "ASSERTION_SIGNING";
    public static final String SECRETS_ENCRYPTION = "SECRETS_ENCRYPTION";
    public static final String ROTATION_DAYS = "ASSERTION_KEY_ROTATION_DAYS";

    private CryptoModes() {}

    /** Whether sign-in assertions are signed in memory with an envelope key (else KMS Sign). */
    public static boolean assertionsEnvelope(Config config) {
        return envelope(config, ASSERTION_SIGNING);
    }

    /** Whether new secrets are sealed under the envelope data key (else one KMS Encrypt each). */
    public static boolean secretsEnvelope(Config config) {
        return envelope(config, SECRETS_ENCRYPTION);
    }

    /** How often the envelope assertion key rotates (7 to 365 days, default 90), published a day ahead. */
    public static KeySchedule keySchedule(Config config) {
        int days = config.integer(ROTATION_DAYS, (int) KeySchedule.DEFAULT_ROTATION.toDays(), 7, 365);
        return new KeySchedule(Duration.ofDays(days), KeySchedule.DEFAULT_PUBLISH_AHEAD);
    }

    private static boolean envelope(Config config, String variable) {
        return switch (config.orDefault(variable, ENVELOPE)) {
            case ENVELOPE -> true;
            case KMS -> false;
            default -> throw new Config.ConfigException(variable, "must be " + ENVELOPE + " or " + KMS);
        };
    }
}
