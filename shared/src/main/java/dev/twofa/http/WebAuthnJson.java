package dev.twofa.http;

import dev.twofa.app.WebAuthnAuthenticationOptions;
import dev.twofa.app.WebAuthnRegistrationOptions;
import dev.twofa.app.api.TwoFactorException.InvalidRequest;
import dev.twofa.config.WebAuthnSettings;
import dev.twofa.domain.webauthn.WebAuthnCredential;
import dev.twofa.domain.webauthn.WebAuthnPolicy;
import dev.twofa.port.WebAuthnVerifier;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * WebAuthn Level 3's JSON encoding (§5.1.8, §5.1.9, §5.4, §5.5): the creation and request options
 * the browser passes to {@code PublicKeyCredential.parse…OptionsFromJSON}, and the
 * RegistrationResponseJSON / AuthenticationResponseJSON its {@code toJSON()} makes. Every binary
 * value is base64url without padding; shapes and sizes are checked here, before anything is verified
 * or counted.
 */
public final class WebAuthnJson {
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]*");
    private static final Set<String> CREDENTIAL_FIELDS =
            Set.of("id", "rawId", "type", "response", "clientExtensionResults", "authenticatorAttachment");
    private static final Set<String> REGISTRATION_FIELDS = Set.of(
            "clientDataJSON",
            "attestationObject",
            "transports",
            "authenticatorData",
            "publicKey",
            "publicKeyAlgorithm");
    private static final Set<String> AUTHENTICATION_FIELDS =
            Set.of("clientDataJSON", "authenticatorData", "signature", "userHandle", "attestationObject");
    /** 1023 bytes of credential id in base64url. */
    private static final int MAX_ID_CHARS = 1364;

    private static final int MAX_CLIENT_DATA_CHARS = 1400;
    private static final int MAX_BLOB_CHARS = 3000;
    private static final int MAX_SIGNATURE_CHARS = 700;
    private static final int MAX_USER_HANDLE_CHARS = 86;

    private WebAuthnJson() {}

    /** A RegistrationResponseJSON, checked: its raw id and the parts to verify. */
    public record RegistrationInput(byte[] credentialId, WebAuthnVerifier.Registration registration) {}

    public static RegistrationInput registration(Object value, String field) {
        Map<?, ?> credential = credential(value, field);
        Map<?, ?> response = response(credential, field, REGISTRATION_FIELDS);
        byte[] id = rawId(credential, field);
        Set<String> transports = new LinkedHashSet<>();
        Object listed = response.get("transports");
        if (listed != null) {
            if (!(listed instanceof List<?> list) || list.size() > 8) {
                throw new InvalidRequest(field, "The transports must be a list of strings.");
            }
            for (Object t : list) {
                if (!(t instanceof String s) || s.length() > 32) {
                    throw new InvalidRequest(field, "The transports must be a list of strings.");
                }
                transports.add(s);
            }
        }
        return new RegistrationInput(
                id,
                new WebAuthnVerifier.Registration(
                        blob(response, "clientDataJSON", MAX_CLIENT_DATA_CHARS, field),
                        blob(response, "attestationObject", MAX_BLOB_CHARS, field),
                        Set.copyOf(transports)));
    }

    /** An AuthenticationResponseJSON, checked. */
    public static WebAuthnVerifier.Authentication authentication(Object value, String field) {
        Map<?, ?> credential = credential(value, field);
        Map<?, ?> response = response(credential, field, AUTHENTICATION_FIELDS);
        byte[] userHandle =
                response.get("userHandle") == null ? null : blob(response, "userHandle", MAX_USER_HANDLE_CHARS, field);
        return new WebAuthnVerifier.Authentication(
                rawId(credential, field),
                blob(response, "clientDataJSON", MAX_CLIENT_DATA_CHARS, field),
                blob(response, "authenticatorData", MAX_BLOB_CHARS, field),
                blob(response, "signature", MAX_SIGNATURE_CHARS, field),
                userHandle);
    }

    /** PublicKeyCredentialCreationOptionsJSON. */
    public static Map<String, Object> creationOptions(WebAuthnRegistrationOptions.Options options) {
        WebAuthnSettings settings = options.settings();
        List<Object> params = new ArrayList<>();
        for (long alg : WebAuthnPolicy.ALGORITHMS) {
            params.add(ApiResponse.object("type", "public-key", "alg", alg));
        }
        return ApiResponse.object(
                "rp", ApiResponse.object("id", settings.rpId(), "name", settings.rpName()),
                "user",
                        ApiResponse.object(
                                "id", b64(options.userHandle()),
                                "name", options.userName(),
                                "displayName", options.userName()),
                "challenge", options.challenge().value(),
                "pubKeyCredParams", params,
                "timeout", WebAuthnPolicy.CEREMONY_TIMEOUT.toMillis(),
                "excludeCredentials", descriptors(options.exclude()),
                "authenticatorSelection",
                        ApiResponse.object(
                                "residentKey",
                                "preferred",
                                "requireResidentKey",
                                false,
                                "userVerification",
                                settings.userVerification().apiName()),
                "attestation", WebAuthnSettings.ATTESTATION,
                "extensions", ApiResponse.object("credProps", true));
    }

    /** PublicKeyCredentialRequestOptionsJSON. */
    public static Map<String, Object> requestOptions(WebAuthnAuthenticationOptions.Options options) {
        return ApiResponse.object(
                "challenge", options.challenge().value(),
                "timeout", WebAuthnPolicy.CEREMONY_TIMEOUT.toMillis(),
                "rpId", options.settings().rpId(),
                "allowCredentials", descriptors(options.allow()),
                "userVerification", options.settings().userVerification().apiName());
    }

    /** A credential as the list, rename and register routes show it. */
    public static Map<String, Object> credentialView(WebAuthnCredential c) {
        return ApiResponse.object(
                "id", c.id(),
                "name", c.name(),
                "createdAt", c.createdAt().toString(),
                "lastUsedAt", c.lastUsedAt() == null ? null : c.lastUsedAt().toString(),
                "transports", c.transports(),
                "aaguid", c.aaguidString(),
                "backupEligible", c.backupEligible(),
                "backedUp", c.backupState());
    }

    private static List<Object> descriptors(List<WebAuthnCredential> credentials) {
        List<Object> list = new ArrayList<>();
        for (WebAuthnCredential c : credentials) {
            list.add(
                    c.transports().isEmpty()
                            ? ApiResponse.object("type", "public-key", "id", c.id())
                            : ApiResponse.object("type", "public-key", "id", c.id(), "transports", c.transports()));
        }
        return list;
    }

    private static Map<?, ?> credential(Object value, String field) {
        if (!(value instanceof Map<?, ?> credential) || !CREDENTIAL_FIELDS.containsAll(credential.keySet())) {
            throw new InvalidRequest(
                    field, "The " + field + " must be the credential's toJSON(): id, rawId, type, response.");
        }
        if (!"public-key".equals(credential.get("type"))) {
            throw new InvalidRequest(field, "The credential's type must be \"public-key\".");
        }
        return credential;
    }

    private static Map<?, ?> response(Map<?, ?> credential, String field, Set<String> allowed) {
        if (!(credential.get("response") instanceof Map<?, ?> response) || !allowed.containsAll(response.keySet())) {
            throw new InvalidRequest(field, "The credential's response is not one of this ceremony.");
        }
        return response;
    }

    private static byte[] rawId(Map<?, ?> credential, String field) {
        byte[] rawId = blob(credential, "rawId", MAX_ID_CHARS, field);
        if (!(credential.get("id") instanceof String id) || !id.equals(credential.get("rawId")) || rawId.length == 0) {
            throw new InvalidRequest(field, "The credential's id and rawId must be the same base64url value.");
        }
        return rawId;
    }

    private static byte[] blob(Map<?, ?> object, String name, int maxChars, String field) {
        if (!(object.get(name) instanceof String value)
                || value.length() > maxChars
                || !BASE64URL.matcher(value).matches()
                || value.length() % 4 == 1) {
            throw new InvalidRequest(field, "The credential's " + name + " must be base64url without padding.");
        }
        return Base64.getUrlDecoder().decode(value);
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
