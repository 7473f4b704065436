package dev.twofa.app.common;

import dev.twofa.app.api.Principal;
import dev.twofa.domain.otp.Base32Secret;
import dev.twofa.domain.otp.KeyUri;
import dev.twofa.domain.otp.OtpPolicy;
import dev.twofa.domain.otp.QrCode;

/**
 * What a user adds to an authenticator app: the secret as text, its otpauth URI and the URI's QR
 * code. The activation link shows it first; while the setup is pending the caller may see the same
 * again (a reload of the setup page), built the same way.
 */
public final class SetupKey {
    /** Pixels per QR module of the setup page's code (also what priming renders). */
    public static final int QR_MODULE_SCALE = 6;

    private SetupKey() {}

    public record Shown(String secret, String otpauthUri, String qrCodePng) {}

    /** @param issuer the deployment's name in the app ({@code TOTP_ISSUER}) */
    public static Shown of(Principal principal, byte[] secret, String issuer, OtpPolicy policy) {
        String account = principal.emailAddress().orElse(principal.userId());
        String uri = KeyUri.of(issuer, sanitizeLabel(account), secret, policy);
        return new Shown(Base32Secret.encode(secret), uri, QrCode.dataUri(QrCode.png(uri, QR_MODULE_SCALE)));
    }

    /** Key URI labels may not contain ':'; an account name from a claim is not ours to refuse. */
    private static String sanitizeLabel(String account) {
        return account.replace(':', ' ').strip();
    }
}
