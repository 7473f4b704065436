package dev.twofa.app.common;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.config.AssertionSettings;
import dev.twofa.port.AssertionSigner;
import dev.twofa.port.PublishedKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a sign-in assertion that comes back as a step-up proof: our own signature and type, our
 * issuer and audience, the same user, issued within the last five minutes and not expired. Whether
 * its {@code jti} was spent already is the store's single-use write, not this check. The assertion
 * of a remembered device's sign-in is never a proof: it shows the device, not a factor.
 */
public final class AssertionVerifier {
    /** A proof must be fresh: issued at most this long ago (NIST SP 800-63B §6.1.2.1 "recent"). */
    public static final Duration MAX_AGE = AssertionSettings.MAX_LIFETIME;
    /** Clock skew tolerated between instances for {@code iat}. */
    private static final Duration SKEW = Duration.ofSeconds(30);

    private static final Pattern JTI = Pattern.compile("[A-Za-z0-9_-]{16,64}");
    private static final Base64.Decoder B64 = Base64.getUrlDecoder();

    private final AssertionSigner signer;
    private final AssertionSettings settings;

    public AssertionVerifier(AssertionSigner signer, AssertionSettings settings) {
        this.signer = signer;
        this.settings = settings;
    }

    /** What makes a valid assertion single use: its id, spent until it expires. */
    public record Spendable(String jti, Instant expiresAt) {}

    /** The assertion's id and expiry when it is valid for {@code userId} now; empty otherwise. */
    public Optional<Spendable> check(String userId, String token, Instant now) {
        try {
            String[] parts = token.split("\\.", -1);
            if (parts.length != 3) {
                return Optional.empty();
            }
            Map<String, Object> header = JSON.std.mapFrom(new String(B64.decode(parts[0]), StandardCharsets.UTF_8));
            if (!"ES256".equals(header.get("alg"))
                    || !AssertionIssuer.TYPE.equals(header.get("typ"))
                    || !(header.get("kid") instanceof String kid)) {
                return Optional.empty();
            }
            // Any key we publish now (keys rotate); a kid we do not publish is a forgery or long expired.
            Optional<PublishedKey> key = signer.publishedKey(kid);
            if (key.isEmpty()) {
                return Optional.empty();
            }
            Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
            es256.initVerify(key.get().key());
            es256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!es256.verify(B64.decode(parts[2]))) {
                return Optional.empty();
            }
            Map<String, Object> claims = JSON.std.mapFrom(new String(B64.decode(parts[1]), StandardCharsets.UTF_8));
            Instant issuedAt = epoch(claims.get("iat"));
            Instant expiresAt = epoch(claims.get("exp"));
            boolean valid = settings.issuer().equals(claims.get("iss"))
                    && audienceMatches(claims.get("aud"))
                    && userId.equals(claims.get("sub"))
                    && claims.get("jti") instanceof String jti
                    && JTI.matcher(jti).matches()
                    && issuedAt != null
                    && expiresAt != null
                    && !issuedAt.isBefore(now.minus(MAX_AGE))
                    && !issuedAt.isAfter(now.plus(SKEW))
                    && expiresAt.isAfter(now)
                    // A remembered device proves the device, not a factor: never a step-up proof.
                    && !rememberedDevice(claims);
            return valid ? Optional.of(new Spendable((String) claims.get("jti"), expiresAt)) : Optional.empty();
        } catch (GeneralSecurityException | java.io.IOException | IllegalArgumentException | ClassCastException e) {
            // Malformed, forged or foreign: all look the same to the caller (an invalid proof).
            return Optional.empty();
        }
    }

    private static boolean rememberedDevice(Map<String, Object> claims) {
        return claims.containsKey(AssertionIssuer.REMEMBERED_DEVICE_CLAIM)
                || (claims.get("amr") instanceof List<?> amr && amr.contains(AssertionIssuer.REMEMBERED_DEVICE_AMR));
    }

    private boolean audienceMatches(Object aud) {
        return settings.audience().equals(aud) || (aud instanceof List<?> list && list.contains(settings.audience()));
    }

    private static Instant epoch(Object value) {
        return value instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : null;
    }
}
