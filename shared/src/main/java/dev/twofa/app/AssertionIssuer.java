package dev.twofa.app;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.port.AssertionSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The signed result of a second-factor check: a short-lived ES256 JWT the app's backend verifies
 * against our JWKS, so it need not trust what the browser reports. {@code amr} follows RFC 8176
 * ("otp", "sms"), plus "recovery" for a recovery code.
 */
public final class AssertionIssuer {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final AssertionSigner signer;
    private final AssertionSettings settings;
    private final SecureRandom random;

    public AssertionIssuer(AssertionSigner signer, AssertionSettings settings, SecureRandom random) {
        this.signer = signer;
        this.settings = settings;
        this.random = random;
    }

    public String issue(Principal principal, String method, Instant now) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "ES256");
        header.put("typ", "JWT");
        header.put("kid", signer.keyId());
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", settings.issuer());
        claims.put("aud", settings.audience());
        claims.put("sub", principal.userId());
        claims.put("amr", List.of(amr(method)));
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(settings.lifetime()).getEpochSecond());
        claims.put("jti", jti());
        String signingInput = part(header) + "." + part(claims);
        byte[] signature = signer.sign(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + B64.encodeToString(signature);
    }

    private static String amr(String method) {
        return switch (method) {
            case "totp" -> "otp";
            case "sms" -> "sms";
            case "recovery" -> "recovery";
            default -> throw new IllegalArgumentException("unknown method " + method);
        };
    }

    private String jti() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return B64.encodeToString(id);
    }

    private static String part(Map<String, Object> json) {
        try {
            return B64.encodeToString(JSON.std.asString(json).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
