package dev.twofa.localrun;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@code POST /dev/token} asks for: {@code sub} (required), {@code email}, {@code
 * email_verified} (a boolean; true unless given, whenever there is an email, as an identity provider
 * that checked the address says), and any other field as a claim of the same name, e.g. the
 * organisation claim ({@code org_id}, or whatever {@code ORG_CLAIM} names). A claim is a string, a
 * number, a boolean or a list of strings; the claims that make the token valid ({@code iss},
 * {@code aud}, {@code exp}, {@code nbf}, {@code iat}, {@code jti}) are the local run's alone.
 *
 * @param claims every claim but those {@link LocalJwt#issue} sets, in request order
 */
record DevTokenRequest(String sub, Map<String, Object> claims) {
    static final int MAX_SUB_CHARS = 128;
    static final int MAX_EMAIL_CHARS = 254;
    static final int MAX_EXTRA_CLAIMS = 20;
    static final int MAX_NAME_CHARS = 64;
    static final int MAX_VALUE_CHARS = 256;
    static final int MAX_LIST_ITEMS = 20;

    /** Printable ASCII, no space: {@code org_id}, {@code custom:org_id}, {@code https://example.com/org}. */
    private static final Pattern CLAIM_NAME = Pattern.compile("[\\x21-\\x7e]{1," + MAX_NAME_CHARS + "}");

    /** Set by the local run: a caller choosing them could mint a token for another issuer or forever. */
    static final Set<String> RESERVED = Set.of("iss", "aud", "exp", "nbf", "iat", "jti");

    static final String EMAIL_VERIFIED = "email_verified";

    /** A field of the request that is not acceptable, with the sentence saying why. */
    static final class InvalidField extends Exception {
        private final String field;

        InvalidField(String field, String detail) {
            super(detail, null, false, false);
            this.field = field;
        }

        String field() {
            return field;
        }
    }

    DevTokenRequest {
        claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
    }

    static DevTokenRequest parse(Map<String, Object> body) throws InvalidField {
        if (!(body.get("sub") instanceof String sub) || sub.isBlank()) {
            throw new InvalidField("sub", "The field \"sub\" is required (a non-empty string).");
        }
        if (sub.length() > MAX_SUB_CHARS) {
            throw new InvalidField("sub", "The field \"sub\" is at most " + MAX_SUB_CHARS + " characters.");
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        Object email = body.get("email");
        if (email != null) {
            if (!(email instanceof String s && s.length() <= MAX_EMAIL_CHARS)) {
                throw new InvalidField(
                        "email", "The field \"email\" must be a string of at most " + MAX_EMAIL_CHARS + " characters.");
            }
            claims.put("email", email);
        }
        Object verified = body.get(EMAIL_VERIFIED);
        if (verified != null && !(verified instanceof Boolean)) {
            throw new InvalidField(EMAIL_VERIFIED, "The field \"email_verified\" must be true or false.");
        }
        if (verified != null || email != null) {
            claims.put(EMAIL_VERIFIED, verified != null ? verified : Boolean.TRUE);
        }
        int extra = 0;
        for (Map.Entry<String, Object> field : body.entrySet()) {
            String name = field.getKey();
            if (name.equals("sub") || name.equals("email") || name.equals(EMAIL_VERIFIED)) {
                continue;
            }
            if (RESERVED.contains(name)) {
                throw new InvalidField(
                        name, "The claim \"" + name + "\" is set by the local run: iss, aud, exp, nbf, iat, jti.");
            }
            if (!CLAIM_NAME.matcher(name).matches()) {
                throw new InvalidField(
                        name, "A claim name is 1 to " + MAX_NAME_CHARS + " printable characters without spaces.");
            }
            if (++extra > MAX_EXTRA_CLAIMS) {
                throw new InvalidField(name, "At most " + MAX_EXTRA_CLAIMS + " claims besides sub and email.");
            }
            claims.put(name, claimValue(name, field.getValue()));
        }
        return new DevTokenRequest(sub, claims);
    }

    private static Object claimValue(String name, Object value) throws InvalidField {
        switch (value) {
            case Boolean b -> {
                return b;
            }
            case Number n -> {
                return n;
            }
            case String s
            when s.length() <= MAX_VALUE_CHARS -> {
                return s;
            }
            case List<?> list
            when list.size() <= MAX_LIST_ITEMS
                    && list.stream().allMatch(i -> i instanceof String s && s.length() <= MAX_VALUE_CHARS) -> {
                return List.copyOf(list);
            }
            case null, default -> {
                // Objects and nulls: API Gateway's string form of them is no help to a handler.
                throw new InvalidField(
                        name,
                        "The claim \"" + name + "\" must be a string of at most " + MAX_VALUE_CHARS
                                + " characters, a number, true or false, or a list of at most " + MAX_LIST_ITEMS
                                + " such strings.");
            }
        }
    }
}
