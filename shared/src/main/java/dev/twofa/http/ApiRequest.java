package dev.twofa.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.twofa.app.api.Credential;
import dev.twofa.app.api.DeviceProof;
import dev.twofa.app.api.Operator;
import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException.InvalidRequest;
import dev.twofa.app.api.TwoFactorException.PayloadTooLarge;
import dev.twofa.app.api.TwoFactorException.Unauthenticated;
import dev.twofa.app.common.AssertionIssuer;
import dev.twofa.config.Config;
import dev.twofa.domain.device.DevicePolicy;
import dev.twofa.domain.recovery.RecoveryCodes;
import dev.twofa.domain.sms.SmsPurpose;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** An API Gateway HTTP API (payload 2.0) request, read defensively. */
public final class ApiRequest {
    /** Larger bodies are refused before parsing; every request of this API is a few fields. */
    public static final int MAX_BODY_BYTES = 4096;

    /**
     * The JWT claim that names the user's organisation (ORG_CLAIM; Cognito custom attributes look
     * like {@code custom:org_id}). Read once per environment, like all configuration.
     */
    public static final String ORG_CLAIM = Config.environment().orDefault("ORG_CLAIM", "org_id");

    private static final Pattern WHOLE_NUMBER = Pattern.compile("0|[1-9][0-9]{0,5}");
    private static final Pattern SIX_DIGITS = Pattern.compile("[0-9]{6}");
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Set<String> DEVICE_FIELDS = Set.of("id", "challenge", "signature");
    private static final Pattern NONCE = Pattern.compile("[\\x21-\\x7e]{1,128}");
    /** A compact ES256 JWS of our claims is well under 1 KB. */
    static final int MAX_ASSERTION_LENGTH = 2048;
    /** IAM's limit for an ARN. */
    private static final int MAX_ARN = 2048;

    private final APIGatewayV2HTTPEvent event;
    private Map<String, Object> body;
    /** The body fields this route takes (docs/openapi.yaml's additionalProperties: false); null: any. */
    private Set<String> fields;

    public ApiRequest(APIGatewayV2HTTPEvent event) {
        this.event = event;
    }

    /**
     * The user as API Gateway's JWT authorizer verified them. The id is the {@code sub} claim; a
     * user id in the body is never read.
     */
    public Principal principal() {
        Map<String, String> claims = Optional.ofNullable(event.getRequestContext())
                .map(APIGatewayV2HTTPEvent.RequestContext::getAuthorizer)
                .map(APIGatewayV2HTTPEvent.RequestContext.Authorizer::getJwt)
                .map(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT::getClaims)
                .orElse(Map.of());
        String sub = claims.get("sub");
        if (sub == null || sub.isBlank() || sub.length() > 256) {
            throw new Unauthenticated("no verified sub claim");
        }
        var http = Optional.ofNullable(event.getRequestContext()).map(APIGatewayV2HTTPEvent.RequestContext::getHttp);
        // An address the identity provider did not verify may be anyone's: never used for notices
        // or activation links (API Gateway passes claims as strings: "true").
        String email = "true".equalsIgnoreCase(claims.get("email_verified")) ? claims.get("email") : null;
        return new Principal(
                sub,
                email,
                claims.get(ORG_CLAIM),
                http.map(APIGatewayV2HTTPEvent.RequestContext.Http::getSourceIp).orElse(null),
                http.map(APIGatewayV2HTTPEvent.RequestContext.Http::getUserAgent)
                        .map(ua -> ua.length() > 256 ? ua.substring(0, 256) : ua)
                        .orElse(null));
    }

    /**
     * The operator as API Gateway's IAM authorizer verified them (a SigV4-signed request): the
     * caller's ARN and the API request id. Only that authorizer fills {@code authorizer.iam}; a
     * route behind the JWT authorizer never has it, so a user's token can never act as an operator,
     * and no header, body field or claim can name one.
     */
    public Operator operator() {
        var context = Optional.ofNullable(event.getRequestContext());
        String arn = context.map(APIGatewayV2HTTPEvent.RequestContext::getAuthorizer)
                .map(APIGatewayV2HTTPEvent.RequestContext.Authorizer::getIam)
                .map(APIGatewayV2HTTPEvent.RequestContext.IAM::getUserArn)
                .orElse("");
        if (!arn.startsWith("arn:") || arn.length() > MAX_ARN) {
            throw new Unauthenticated("no IAM caller verified by API Gateway");
        }
        String requestId = context.map(APIGatewayV2HTTPEvent.RequestContext::getRequestId)
                .filter(id -> !id.isBlank())
                .orElse("unknown");
        return new Operator(arn, requestId);
    }

    /**
     * The body fields this route takes: a body with any other field is refused (invalid-request,
     * field "body") when it is first read, as docs/openapi.yaml's {@code additionalProperties: false}
     * says. A typo such as {@code "recoverycode"} is thus an error, never a missing proof.
     */
    public ApiRequest fields(String... names) {
        this.fields = Set.of(names);
        return this;
    }

    public String requiredString(String field, int maxLength) {
        return optionalString(field, maxLength)
                .orElseThrow(() -> new InvalidRequest(field, "The field \"" + field + "\" is required."));
    }

    /**
     * A string field, at most {@code maxLength} characters (Unicode code points, as JSON Schema's
     * maxLength counts them). Absent is empty; {@code null} is not a string, and is refused.
     */
    public Optional<String> optionalString(String field, int maxLength) {
        Map<String, Object> object = body();
        if (!object.containsKey(field)) {
            return Optional.empty();
        }
        if (!(object.get(field) instanceof String s)) {
            throw new InvalidRequest(field, "The field \"" + field + "\" must be a string.");
        }
        if (s.codePointCount(0, s.length()) > maxLength) {
            throw new InvalidRequest(field, "The field \"" + field + "\" is too long.");
        }
        return Optional.of(s);
    }

    public boolean requiredBoolean(String field) {
        Object value = body().get(field);
        if (!(value instanceof Boolean b)) {
            throw new InvalidRequest(field, "The field \"" + field + "\" must be true or false.");
        }
        return b;
    }

    /** A boolean field that may be left out (then false); any other type is refused. */
    public boolean optionalBoolean(String field) {
        return body().containsKey(field) && requiredBoolean(field);
    }

    /** A 6-digit code, format checked before anything is hashed or counted. */
    public String sixDigitCode(String field) {
        // Apps show codes as "123 456": ASCII spaces are dropped, and nothing else is (no tab, newline,
        // Unicode space or non-ASCII digit), as docs/openapi.yaml's SixDigits pattern says.
        String code = requiredString(field, 16).replace(" ", "");
        if (!SIX_DIGITS.matcher(code).matches()) {
            throw new InvalidRequest(field, "The code must be 6 digits.");
        }
        return code;
    }

    /** A query string parameter, when present (API Gateway has already URL-decoded it). */
    public Optional<String> query(String name, int maxLength) {
        Map<String, String> params = event.getQueryStringParameters();
        String value = params == null ? null : params.get(name);
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        if (value.codePointCount(0, value.length()) > maxLength) {
            throw new InvalidRequest(name, "The parameter \"" + name + "\" is too long.");
        }
        return Optional.of(value);
    }

    /**
     * A whole-number query parameter: absent is {@code fallback}; present, it is 1 to 6 ASCII digits
     * (an empty value, a sign, a leading zero, a space or a fraction is refused, as docs/openapi.yaml's integer is).
     */
    public int queryInt(String name, int fallback) {
        Map<String, String> params = event.getQueryStringParameters();
        String value = params == null ? null : params.get(name);
        if (value == null) {
            return fallback;
        }
        if (!WHOLE_NUMBER.matcher(value).matches()) {
            throw new InvalidRequest(name, "The parameter \"" + name + "\" must be a whole number.");
        }
        return Integer.parseInt(value);
    }

    public SmsPurpose smsPurpose() {
        return SmsPurpose.fromApiName(requiredString("purpose", 16))
                .orElseThrow(() ->
                        new InvalidRequest("purpose", "The purpose must be \"enable\", \"login\" or \"disable\"."));
    }

    /**
     * The step-up proof of a factor change: at most one of {@code code} (authenticator), {@code
     * recoveryCode} or {@code assertion} (a sign-in assertion of the last 5 minutes); empty when none
     * is sent. Formats are checked here, before anything is hashed, verified or counted.
     */
    public Optional<Credential> proof() {
        if (event.getBody() == null || event.getBody().isBlank()) {
            return Optional.empty();
        }
        Optional<String> code = optionalString("code", 16);
        Optional<String> recovery = optionalString("recoveryCode", 32);
        Optional<String> assertion = optionalString("assertion", MAX_ASSERTION_LENGTH);
        long given = java.util.stream.Stream.of(code, recovery, assertion)
                .filter(Optional::isPresent)
                .count();
        if (given > 1) {
            throw new InvalidRequest(
                    "code", "Send one proof: \"code\", \"recoveryCode\" or \"assertion\", not several.");
        }
        if (assertion.isPresent()) {
            return Optional.of(new Credential.SignInAssertion(assertion.get()));
        }
        return given == 0 ? Optional.empty() : Optional.of(credential());
    }

    /**
     * A proof other than a code ({@code recoveryCode} or {@code assertion}), for routes where
     * {@code code} means an SMS code; empty when neither is sent.
     */
    public Optional<Credential> otherProof() {
        if (optionalString("recoveryCode", 32).isEmpty()
                && optionalString("assertion", MAX_ASSERTION_LENGTH).isEmpty()) {
            return Optional.empty();
        }
        if (optionalString("code", 16).isPresent()) {
            throw new InvalidRequest(
                    "code", "Send the SMS \"code\", or another proof (\"recoveryCode\" or \"assertion\"), not both.");
        }
        return proof();
    }

    /**
     * A remembered device's sign-in, {@code "device": {"id", "challenge", "signature"}}: formats
     * checked here (the id and challenge as issued, the signature 64 bytes of base64url); empty when
     * the body has no {@code device}.
     */
    public Optional<DeviceProof> deviceProof() {
        Map<String, Object> object = body();
        if (!object.containsKey("device")) {
            return Optional.empty();
        }
        if (!(object.get("device") instanceof Map<?, ?> device) || !DEVICE_FIELDS.containsAll(device.keySet())) {
            throw new InvalidRequest("device", "The device must be an object of id, challenge and signature.");
        }
        String id = device.get("id") instanceof String s ? s : "";
        if (DevicePolicy.slotOf(id).isEmpty()) {
            throw new InvalidRequest("device", "The device id is not one this service issued.");
        }
        String challenge = device.get("challenge") instanceof String s ? s : "";
        if (!DevicePolicy.CHALLENGE.matcher(challenge).matches()) {
            throw new InvalidRequest("device", "The challenge is not one this service issued.");
        }
        String signature = device.get("signature") instanceof String s ? s : "";
        if (signature.length() != 86 || !BASE64URL.matcher(signature).matches()) {
            throw new InvalidRequest("device", "The signature must be 64 bytes (r and s) in base64url.");
        }
        return Optional.of(new DeviceProof(id, challenge, Base64.getUrlDecoder().decode(signature)));
    }

    /** An object field, when present; anything else under that name is refused. */
    public Optional<Map<String, Object>> optionalObject(String field) {
        Map<String, Object> object = body();
        if (!object.containsKey(field)) {
            return Optional.empty();
        }
        if (!(object.get(field) instanceof Map<?, ?> map)) {
            throw new InvalidRequest(field, "The field \"" + field + "\" must be an object.");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) map;
        return Optional.of(typed);
    }

    /** A base64url field (no padding) of at most {@code maxChars} characters, decoded. */
    public byte[] base64url(String field, int maxChars) {
        String value = requiredString(field, maxChars);
        if (!BASE64URL.matcher(value).matches() || value.length() % 4 == 1) {
            throw new InvalidRequest(field, "The field \"" + field + "\" must be base64url without padding.");
        }
        return Base64.getUrlDecoder().decode(value);
    }

    /** The relying backend's optional nonce for a sign-in, copied into the assertion. */
    public Optional<String> nonce() {
        Optional<String> nonce = optionalString("nonce", AssertionIssuer.MAX_NONCE_LENGTH);
        if (nonce.isPresent() && !NONCE.matcher(nonce.get()).matches()) {
            throw new InvalidRequest("nonce", "The nonce must be 1 to 128 printable ASCII characters.");
        }
        return nonce;
    }

    /** Exactly one of {@code code} or {@code recoveryCode}. */
    public Credential credential() {
        Optional<String> code = optionalString("code", 16);
        Optional<String> recovery = optionalString("recoveryCode", 32);
        if (code.isPresent() == recovery.isPresent()) {
            throw new InvalidRequest("code", "Send either \"code\" or \"recoveryCode\", not both or neither.");
        }
        if (code.isPresent()) {
            return new Credential.TotpCode(sixDigitCode("code"));
        }
        return RecoveryCodes.normalize(recovery.get())
                .<Credential>map(Credential.RecoveryCode::new)
                .orElseThrow(() -> new InvalidRequest(
                        "recoveryCode", "A recovery code has 12 letters and digits, like ABCD-EFGH-JKMN."));
    }

    private Map<String, Object> body() {
        if (body == null) {
            body = parseBody();
        }
        return body;
    }

    private Map<String, Object> parseBody() {
        String raw = event.getBody();
        if (raw == null || raw.isBlank()) {
            throw new InvalidRequest("body", "The request needs a JSON object body.");
        }
        if (raw.length() > MAX_BODY_BYTES * 2) {
            throw new PayloadTooLarge(MAX_BODY_BYTES);
        }
        if (event.getIsBase64Encoded()) {
            try {
                raw = new String(Base64.getDecoder().decode(raw), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequest("body", "The request body is not valid base64.");
            }
        }
        if (raw.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
            throw new PayloadTooLarge(MAX_BODY_BYTES);
        }
        Map<String, Object> object;
        try {
            object = Json.readObject(raw);
        } catch (IOException | RuntimeException e) {
            throw new InvalidRequest("body", "The request body is not a JSON object.");
        }
        if (fields != null && !fields.containsAll(object.keySet())) {
            // The unknown name is not echoed: it is the caller's text.
            throw new InvalidRequest(
                    "body",
                    "The request has a field this route does not take; it takes: "
                            + String.join(", ", new java.util.TreeSet<>(fields)) + ".");
        }
        return object;
    }
}
