package dev.twofa.localrun;

import dev.twofa.http.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The local run's identity provider and JWT authorizer in one: issues HS256 tokens for
 * {@code POST /dev/token} and verifies them as API Gateway's JWT authorizer would (signature,
 * {@code iss}, {@code aud}, {@code exp}, {@code nbf}). The key is random per process, so a token
 * never outlives the run that issued it.
 */
final class LocalJwt {
    static final String AUDIENCE = "twofa-local";
    static final Duration LIFETIME = Duration.ofHours(12);
    /** Far larger than any token issued here; refused before any decoding. */
    static final int MAX_TOKEN_CHARS = 8192;

    private static final String HEADER = encode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");

    private final SecretKeySpec key;
    private final String issuer;
    private final Clock clock;

    LocalJwt(String issuer, SecureRandom random, Clock clock) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.issuer = issuer;
        this.clock = clock;
    }

    String issuer() {
        return issuer;
    }

    /** A signed token for {@code sub} (and {@code email}, when given), valid for {@link #LIFETIME}. */
    String issue(String sub, String email) {
        return issueWithClaims(sub, email == null ? Map.of() : Map.of("email", email));
    }

    /**
     * A signed token for {@code sub} with {@code extraClaims} besides, valid for {@link #LIFETIME}.
     *
     * @throws IllegalArgumentException when an extra claim is one this run sets, or the token would
     *     be longer than {@link #verify} accepts
     */
    String issueWithClaims(String sub, Map<String, Object> extraClaims) {
        long now = clock.instant().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", sub);
        claims.put("aud", AUDIENCE);
        claims.put("iat", now);
        claims.put("exp", now + LIFETIME.toSeconds());
        extraClaims.forEach((name, value) -> {
            if (claims.containsKey(name) || name.equals("nbf") || name.equals("jti")) {
                throw new IllegalArgumentException("the claim " + name + " is set by the local run");
            }
            claims.put(name, value);
        });
        String token = sign(claims);
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new IllegalArgumentException("a token with these claims is longer than " + MAX_TOKEN_CHARS);
        }
        return token;
    }

    /** A token with exactly these claims, signed with this run's key. */
    String sign(Map<String, Object> claims) {
        String signingInput = HEADER + "." + encode(Json.write(claims));
        return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(signingInput));
    }

    /** The token's claims if it is one this run issued and it is in force; empty otherwise. */
    Optional<Map<String, Object>> verify(String token) {
        if (token == null || token.length() > MAX_TOKEN_CHARS) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            // Only HS256: a token naming "none" or another algorithm is refused, whatever it carries.
            Map<String, Object> header = Json.readObject(decode(parts[0]));
            if (!"HS256".equals(header.get("alg"))) {
                return Optional.empty();
            }
            byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
            // Constant time: a byte-by-byte compare leaks how much of a forged signature is right.
            if (!MessageDigest.isEqual(mac(parts[0] + "." + parts[1]), signature)) {
                return Optional.empty();
            }
            Map<String, Object> claims = Json.readObject(decode(parts[1]));
            return inForce(claims) ? Optional.of(claims) : Optional.empty();
        } catch (IOException | RuntimeException malformed) {
            // Fail closed: whatever a malformed token trips over, it is just not a valid token.
            return Optional.empty();
        }
    }

    private boolean inForce(Map<String, Object> claims) {
        long now = clock.instant().getEpochSecond();
        Object aud = claims.get("aud");
        boolean audienceOk = AUDIENCE.equals(aud) || (aud instanceof List<?> list && list.contains(AUDIENCE));
        boolean notExpired = claims.get("exp") instanceof Number exp && exp.longValue() > now;
        boolean started = !(claims.get("nbf") instanceof Number nbf) || nbf.longValue() <= now;
        return issuer.equals(claims.get("iss")) && audienceOk && notExpired && started;
    }

    private byte[] mac(String signingInput) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }
}
