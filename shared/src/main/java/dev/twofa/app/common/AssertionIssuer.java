package dev.twofa.app.common;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.app.api.Principal;
import dev.twofa.config.AssertionSettings;
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
import java.util.Optional;

/**
 * The signed result of a second-factor check: a short-lived ES256 JWT the app's backend verifies
 * against our JWKS, so it need not trust what the browser reports. {@code amr} follows RFC 8176
 * ("otp", "sms"), plus "recovery" for a recovery code, and "swk" with {@code remembered_device:
 * true} for a remembered device. The header's explicit {@code typ} keeps it
 * from being taken for another kind of JWT (RFC 8725 §3.11); the relying backend's {@code nonce},
 * when given, binds it to the one sign-in it proves.
 */
public final class AssertionIssuer {
    /** The JOSE {@code typ} of our assertions (RFC 8725 §3.11: explicit typing). */
    public static final String TYPE = "twofa-assertion+jwt";
    /**
     * RFC 8176 {@code swk}: proof of possession of a software-secured key, the remembered device's
     * non-extractable WebCrypto key.
     */
    public static final String REMEMBERED_DEVICE_AMR = "swk";
    /** The claim set to {@code true} in the assertion of a remembered device's sign-in. */
    public static final String REMEMBERED_DEVICE_CLAIM = "remembered_device";
    /** The longest relying-party nonce accepted. */
    public static final int MAX_NONCE_LENGTH = 128;
    /** RFC 8176 {@code hwk}: proof of possession of a hardware-secured key (a security key or passkey). */
    public static final String HARDWARE_KEY_AMR = "hwk";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final AssertionSigner signer;
    private final AssertionSettings settings;
    private final SecureRandom random;

    public AssertionIssuer(AssertionSigner signer, AssertionSettings settings, SecureRandom random) {
        this.signer = signer;
        this.settings = settings;
        this.random = random;
    }

    /**
     * @param nonce the relying backend's value for this sign-in (at most {@link #MAX_NONCE_LENGTH}
     *     characters, checked at the edge), copied into the claims
     */
    public String issue(Principal principal, String method, Instant now, Optional<String> nonce) {
        return issue(principal, List.of(amr(method)), now, nonce);
    }

    /**
     * The assertion of a sign-in with a security key or passkey: {@code amr} {@code ["hwk"]}
     * (RFC 8176: a hardware-secured key), plus {@code "user"} when the authenticator verified the user
     * (its PIN or biometric: the UV flag).
     */
    public String issueWebAuthn(Principal principal, boolean userVerified, Instant now, Optional<String> nonce) {
        return issue(
                principal, userVerified ? List.of(HARDWARE_KEY_AMR, "user") : List.of(HARDWARE_KEY_AMR), now, nonce);
    }

    private String issue(Principal principal, List<String> amr, Instant now, Optional<String> nonce) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "ES256");
        header.put("typ", TYPE);
        AssertionSigner.SigningKey key = signer.signingKey();
        header.put("kid", key.kid());
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", settings.issuer());
        claims.put("aud", settings.audience());
        claims.put("sub", principal.userId());
        claims.put("amr", amr);
        claims.put("iat", now.getEpochSecond());
        // The second factor was passed now: the time the relying app's step-up policies look at.
        claims.put("auth_time", now.getEpochSecond());
        claims.put("exp", now.plus(settings.lifetime()).getEpochSecond());
        claims.put("jti", jti());
        if (amr.contains(REMEMBERED_DEVICE_AMR)) {
            // A remembered device, not a factor, was shown: said in its own claim too, for relying
            // backends that read amr loosely. They decide whether that is enough for the sign-in.
            claims.put(REMEMBERED_DEVICE_CLAIM, true);
        }
        nonce.ifPresent(n -> claims.put("nonce", n));
        String signingInput = part(header) + "." + part(claims);
        byte[] signature = key.sign(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + B64.encodeToString(signature);
    }

    private static String amr(String method) {
        return switch (method) {
            case "totp" -> "otp";
            case "sms" -> "sms";
            case "recovery" -> "recovery";
            case "device" -> REMEMBERED_DEVICE_AMR;
            case "webauthn" -> HARDWARE_KEY_AMR;
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
