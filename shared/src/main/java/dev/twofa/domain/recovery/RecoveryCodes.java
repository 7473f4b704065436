package dev.twofa.domain.recovery;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Single-use recovery codes issued at MFA setup (OWASP MFA cheat sheet), a NIST SP 800-63B §5.1.2 "look-up secret".
 * Only their salted hashes are stored.
 */
public final class RecoveryCodes {

    /** Enough to survive a lost phone for a long while; Keycloak issues 12, GitHub 16, Google 10. */
    public static final int COUNT = 10;

    /** Crockford Base32: no I, L, O, U, so codes read aloud or copied from paper are hard to get wrong. */
    static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /** 12 symbols x 5 bits = 60 bits; NIST SP 800-63B §5.1.2.1 requires at least 20 bits for a look-up secret. */
    public static final int CODE_LENGTH = 12;

    /**
     * NIST SP 800-63B §5.1.2.2: look-up secrets with fewer than 112 bits of entropy SHALL be hashed with a salted key
     * derivation function. 60 random bits already defeat offline guessing at any iteration count, so the count stays
     * modest: enrollment hashes all 10 codes inside one Lambda invocation.
     */
    static final int PBKDF2_ITERATIONS = 10_000;

    private static final int HASH_BITS = 256;
    private static final int SALT_BYTES = 16;
    private static final int GROUP = 4;

    private final SecureRandom random;

    public RecoveryCodes(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Ten distinct codes formatted {@code XXXX-XXXX-XXXX}, for showing to the user exactly once. */
    public List<String> generate() {
        Set<String> codes = new LinkedHashSet<>();
        // A duplicate (probability ~2^-54) would leave the user one code short, so draw again instead.
        while (codes.size() < COUNT) {
            codes.add(format(randomCode()));
        }
        return List.copyOf(codes);
    }

    private String randomCode() {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        long bits = 0;
        for (byte b : bytes) {
            bits = (bits << 8) | (b & 0xff);
        }
        char[] code = new char[CODE_LENGTH];
        for (int i = 0; i < CODE_LENGTH; i++) {
            // Consume exactly 60 of the 64 random bits, 5 per symbol, so every symbol is uniform.
            code[i] = ALPHABET.charAt((int) (bits >>> (5 * i)) & 0x1f);
        }
        return new String(code);
    }

    private static String format(String code) {
        return code.substring(0, GROUP) + '-' + code.substring(GROUP, 2 * GROUP) + '-' + code.substring(2 * GROUP);
    }

    /**
     * Turns what a user typed into the canonical 12-symbol form: spaces and hyphens dropped, ASCII letters upper-cased
     * and Crockford's look-alikes mapped (O to 0, I and L to 1). Nothing else is dropped or mapped: a tab, a newline,
     * a NUL or any other control character makes the input invalid ({@code String.trim()} would strip them all, so a
     * code followed by NUL matched). Empty for anything else, so callers can answer the same "invalid code" without
     * hashing garbage.
     */
    public static Optional<String> normalize(String input) {
        if (input == null) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder(CODE_LENGTH);
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            if (c == ' ' || c == '-') {
                continue;
            }
            // Upper-case ASCII letters by hand: String.toUpperCase maps non-ASCII look-alikes such as 'ı' to 'I'.
            if (c >= 'a' && c <= 'z') {
                c = (char) (c - 'a' + 'A');
            }
            c = switch (c) {
                case 'O' -> '0';
                case 'I', 'L' -> '1';
                default -> c;
            };
            if (ALPHABET.indexOf(c) < 0 || out.length() == CODE_LENGTH) {
                return Optional.empty();
            }
            out.append(c);
        }
        return out.length() == CODE_LENGTH ? Optional.of(out.toString()) : Optional.empty();
    }

    /** A per-user salt (NIST SP 800-63B §5.1.1.2 asks for at least 32 bits; we use 128) from the CSPRNG. */
    public static byte[] newSalt(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return salt;
    }

    /**
     * PBKDF2-HMAC-SHA256 of a normalized code, base64url without padding. Deterministic for the same code and salt, so
     * the hash can serve as a DynamoDB key and a recovery code is consumed by deleting exactly that item.
     */
    public static String hash(String normalized, byte[] salt) {
        Objects.requireNonNull(normalized, "normalized");
        Objects.requireNonNull(salt, "salt");
        if (!normalize(normalized).map(normalized::equals).orElse(false)) {
            throw new IllegalArgumentException("code is not in normalized form; call normalize first");
        }
        if (salt.length < SALT_BYTES) {
            throw new IllegalArgumentException("salt must have at least " + SALT_BYTES + " bytes");
        }
        PBEKeySpec spec = new PBEKeySpec(normalized.toCharArray(), salt, PBKDF2_ITERATIONS, HASH_BITS);
        try {
            byte[] derived = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
            return Base64.getUrlEncoder().withoutPadding().encodeToString(derived);
        } catch (GeneralSecurityException e) {
            // SunJCE ships PBKDF2WithHmacSHA256; its absence means a broken runtime, not bad input.
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
        } finally {
            spec.clearPassword();
        }
    }
}
