package dev.twofa.config;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The relying party of the WebAuthn ceremonies: its id (a registrable domain suffix of the web app's
 * host), its display name, the origins a response may come from (the web app's, exactly: a
 * phishing site's origin is refused whatever the user did), and whether user verification is
 * required. Attestation is always {@code none}: nothing here trusts or records an authenticator's
 * make beyond its AAGUID.
 */
public record WebAuthnSettings(String rpId, String rpName, Set<String> origins, UserVerification userVerification) {

    /** WebAuthn's UserVerificationRequirement. */
    public enum UserVerification {
        REQUIRED("required"),
        PREFERRED("preferred"),
        DISCOURAGED("discouraged");

        private final String apiName;

        UserVerification(String apiName) {
            this.apiName = apiName;
        }

        public String apiName() {
            return apiName;
        }
    }

    public static final String ATTESTATION = "none";

    public WebAuthnSettings {
        Objects.requireNonNull(rpId, "rpId");
        Objects.requireNonNull(rpName, "rpName");
        Objects.requireNonNull(userVerification, "userVerification");
        origins = Set.copyOf(origins);
        if (origins.isEmpty()) {
            throw new IllegalArgumentException("at least one origin");
        }
    }

    public boolean userVerificationRequired() {
        return userVerification == UserVerification.REQUIRED;
    }

    /**
     * From the environment: WEBAUTHN_RP_ID (default: the host of APP_BASE_URL), WEBAUTHN_ORIGINS
     * (comma-separated; default: the origin of APP_BASE_URL), WEBAUTHN_USER_VERIFICATION ({@code
     * preferred} by default, or {@code required}, {@code discouraged}), TOTP_ISSUER as the name.
     */
    public static WebAuthnSettings from(Config config) {
        URI app = config.url("APP_BASE_URL");
        String rpId = config.orDefault("WEBAUTHN_RP_ID", app.getHost()).toLowerCase(Locale.ROOT);
        String appHost = app.getHost().toLowerCase(Locale.ROOT);
        if (!(appHost.equals(rpId) || appHost.endsWith("." + rpId))) {
            throw new Config.ConfigException(
                    "WEBAUTHN_RP_ID", "must be the host of APP_BASE_URL or a domain it is under");
        }
        List<String> listed = config.list("WEBAUTHN_ORIGINS");
        Set<String> origins = listed.isEmpty() ? Set.of(origin(app)) : Set.copyOf(listed);
        for (String origin : origins) {
            URI uri = URI.create(origin);
            if (uri.getScheme() == null
                    || uri.getHost() == null
                    || !origin.equals(origin(uri))
                    || !(uri.getScheme().equals("https")
                            || uri.getHost().equals("localhost")
                            || uri.getHost().equals("127.0.0.1"))) {
                throw new Config.ConfigException(
                        "WEBAUTHN_ORIGINS",
                        "must list origins (https://host[:port], no path; http only for localhost)");
            }
        }
        UserVerification uv;
        try {
            uv = UserVerification.valueOf(
                    config.orDefault("WEBAUTHN_USER_VERIFICATION", "preferred").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Config.ConfigException(
                    "WEBAUTHN_USER_VERIFICATION", "must be required, preferred or discouraged");
        }
        return new WebAuthnSettings(rpId, config.orDefault("TOTP_ISSUER", "TwoFA"), origins, uv);
    }

    /** scheme://host[:port] of {@code uri}, the default port left out. */
    static String origin(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort =
                port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
