package dev.twofa.app;

import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException.InvalidRequest;
import dev.twofa.app.api.TwoFactorException.InvalidToken;
import dev.twofa.app.common.SetupKey;
import dev.twofa.config.TotpSettings;
import dev.twofa.domain.enrollment.ActivationGrant;
import dev.twofa.domain.enrollment.ActivationToken;
import dev.twofa.domain.otp.SecretGenerator;
import dev.twofa.port.SecretCipher;
import dev.twofa.port.SecretContext;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.TwoFactorStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;

/**
 * The activation link was opened: consume its token (once, by its own user, before it expires),
 * generate the TOTP secret and show it as text, otpauth URI and QR code.
 */
public final class ActivateLink {
    /** Pixels per QR module of the activation page's code (also what priming renders). */
    public static final int QR_MODULE_SCALE = SetupKey.QR_MODULE_SCALE;

    private final TwoFactorStore store;
    private final SecretCipher cipher;
    private final SecretGenerator secrets;
    private final SecurityEvents events;
    private final Clock clock;
    private final TotpSettings settings;

    public ActivateLink(
            TwoFactorStore store,
            SecretCipher cipher,
            SecretGenerator secrets,
            SecurityEvents events,
            Clock clock,
            TotpSettings settings) {
        this.store = store;
        this.cipher = cipher;
        this.secrets = secrets;
        this.events = events;
        this.clock = clock;
        this.settings = settings;
    }

    public record Activation(String secret, String otpauthUri, String qrCodePng) {}

    public Activation activate(Principal principal, String token) {
        if (!ActivationToken.isWellFormed(token)) {
            throw new InvalidRequest("token", "The activation token is malformed; open the link from the email again.");
        }
        Instant now = clock.instant();
        String userId = principal.userId();
        ActivationGrant grant = store.findActivationGrant(ActivationToken.hash(token), now)
                .filter(g -> g.userId().equals(userId))
                .orElseThrow(() -> new InvalidToken("activation token unknown, expired, used or foreign"));

        byte[] secret = secrets.newSecret(settings.policy());
        try {
            // Encrypt before consuming the token, so a KMS outage leaves the link usable for a retry.
            byte[] ciphertext = cipher.encrypt(secret, SecretContext.totpSecret(userId));
            if (!store.activate(grant, ciphertext, now, now.plus(TotpSettings.CONFIRMATION_WINDOW))) {
                throw new InvalidToken("activation token consumed concurrently or enrollment replaced");
            }
            events.record(principal.event("totp_activated", "totp", now));
            SetupKey.Shown shown = SetupKey.of(principal, secret, settings.issuer(), settings.policy());
            return new Activation(shown.secret(), shown.otpauthUri(), shown.qrCodePng());
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }
}
