package dev.twofa.domain.webauthn;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules of the WebAuthn factor (security keys, platform authenticators, passkeys): how many
 * credentials, how long a challenge lives, and the shape of what the API takes.
 */
public final class WebAuthnPolicy {
    /** At most this many credentials per user: one item per slot, so a conditional put holds the limit. */
    public static final int MAX_CREDENTIALS = 10;
    /** A ceremony's challenge is answered at once by the browser; single use, short-lived. */
    public static final Duration CHALLENGE_LIFETIME = Duration.ofMinutes(3);
    /** What the browser is told it may take (the ceremony's {@code timeout}), within the challenge's life. */
    public static final Duration CEREMONY_TIMEOUT = Duration.ofMinutes(2);

    public static final int CHALLENGE_BYTES = 32;
    /** 256 random bits in base64url. */
    public static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
    /** WebAuthn L3 §5.1: a credential id is at most 1023 bytes. */
    public static final int MAX_CREDENTIAL_ID_BYTES = 1023;
    /** A user-chosen name, as shown in the list. */
    public static final int MAX_NAME_LENGTH = 64;

    public static final String DEFAULT_NAME = "Security key";

    /** The COSE algorithms offered, in order: ES256, EdDSA, RS256. */
    public static final java.util.List<Long> ALGORITHMS = java.util.List.of(-7L, -8L, -257L);

    private WebAuthnPolicy() {}

    /** Control, format (bidi overrides, zero-width, soft hyphen) and line/paragraph separator characters. */
    private static final String HIDDEN =
            "\\x00-\\x1f\\x7f-\\x9f\\xad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u0890\\u0891\\u08e2\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb";

    /**
     * What a chosen name must match as sent, word for word docs/openapi.yaml's {@code WebAuthnName}
     * pattern: none of {@link #HIDDEN}, and at least one character that is not white space as
     * {@link String#strip()} sees it.
     */
    public static final Pattern NAME = Pattern.compile("[^" + HIDDEN + "]*[^" + HIDDEN
            + " \\u1680\\u2000-\\u2006\\u2008-\\u200a\\u205f\\u3000][^" + HIDDEN + "]*");

    /**
     * The name the user chose, trimmed: 1 to 64 characters as sent, none of them a control or format
     * character (no newline, no bidi override to disguise it in a list or an email) and not only white
     * space; empty otherwise. Checked as sent, like the schema, so the spec and the server agree on
     * every string.
     */
    public static Optional<String> name(String chosen) {
        if (chosen == null) {
            return Optional.empty();
        }
        int length = chosen.codePointCount(0, chosen.length());
        if (length < 1 || length > MAX_NAME_LENGTH || !NAME.matcher(chosen).matches()) {
            return Optional.empty();
        }
        return Optional.of(chosen.strip());
    }

    /**
     * The user handle ({@code user.id}) the authenticator keeps for a passkey: an opaque 32 bytes
     * derived from the user id, never the id or an email itself (WebAuthn L3 §14.6.1).
     */
    public static byte[] userHandle(String userId) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(("twofa-webauthn-user-v1:" + userId).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
