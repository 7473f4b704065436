package dev.twofa.config;

import dev.twofa.domain.otp.OtpPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The deployment's choices for the authenticator-app flow. The activation link is built from the
 * configured base URL, never from a request's Host header (OWASP forgot-password rules).
 */
public record TotpSettings(String issuer, URI appBaseUrl, Duration activationTtl, OtpPolicy policy) {
    /** The activation link may live at most 30 minutes. */
    public static final Duration MAX_ACTIVATION_TTL = Duration.ofMinutes(30);
    /** Time between opening the link and typing the first code. */
    public static final Duration CONFIRMATION_WINDOW = Duration.ofMinutes(30);

    public TotpSettings {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(appBaseUrl, "appBaseUrl");
        Objects.requireNonNull(activationTtl, "activationTtl");
        Objects.requireNonNull(policy, "policy");
        if (issuer.isBlank() || issuer.contains(":")) {
            throw new IllegalArgumentException("issuer must be non-blank and contain no ':'");
        }
        if (activationTtl.isNegative() || activationTtl.isZero() || activationTtl.compareTo(MAX_ACTIVATION_TTL) > 0) {
            throw new IllegalArgumentException("activation TTL must be within (0, 30 min]");
        }
    }

    public String activationLink(String token) {
        String base = appBaseUrl.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        // The token travels in the fragment: browsers never send it in Referer or to access logs.
        return base + "/activate#token=" + token;
    }
}
