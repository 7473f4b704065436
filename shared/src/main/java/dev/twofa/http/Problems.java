package dev.twofa.http;

import dev.twofa.app.api.TwoFactorException;
import dev.twofa.app.api.TwoFactorException.EmailNotVerified;
import dev.twofa.app.api.TwoFactorException.InvalidCode;
import dev.twofa.app.api.TwoFactorException.InvalidRequest;
import dev.twofa.app.api.TwoFactorException.InvalidToken;
import dev.twofa.app.api.TwoFactorException.Locked;
import dev.twofa.app.api.TwoFactorException.PayloadTooLarge;
import dev.twofa.app.api.TwoFactorException.StepUpRequired;
import dev.twofa.app.api.TwoFactorException.Throttled;
import dev.twofa.app.api.TwoFactorException.Unauthenticated;
import dev.twofa.app.api.TwoFactorException.WrongState;
import dev.twofa.domain.sms.InvalidPhoneNumberException;
import dev.twofa.port.DependencyException;
import dev.twofa.port.SecretIntegrityException;
import dev.twofa.port.SmsRejectedException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every failure's HTTP form, in one place: RFC 9457 problem details with a stable {@code type}.
 * Texts are fixed per type; an exception message or stack trace never reaches the caller.
 */
public final class Problems {
    public static final String TYPE_PREFIX = "urn:twofa:problem:";
    /** Seconds a caller should wait before retrying after a dependency fault. */
    static final long DEPENDENCY_RETRY_AFTER_SECONDS = 2;

    private Problems() {}

    /** A problem ready to send: status, body and extra headers. */
    public record Problem(int status, Map<String, Object> body, Map<String, String> headers) {}

    public static Problem of(Throwable failure) {
        return builderFor(failure).build();
    }

    private static Builder builderFor(Throwable failure) {
        return switch (failure) {
            case TwoFactorException e -> ofDomain(e);
            case DependencyException e
            when e.retryable() ->
                problem(
                                503,
                                "dependency-unavailable",
                                "Service temporarily unavailable",
                                "A service we depend on is not answering. Please try again shortly.")
                        .retryAfter(DEPENDENCY_RETRY_AFTER_SECONDS);
            case DependencyException e ->
                problem(502, "dependency-failed", "Dependency failure", "A service we depend on refused the request.");
            case InvalidPhoneNumberException e ->
                problem(400, "invalid-phone-number", "Invalid phone number", e.detail())
                        .with("field", "phoneNumber");
            case SmsRejectedException e
            when e.reason() == SmsRejectedException.Reason.OPTED_OUT ->
                problem(
                                400,
                                "sms-opted-out",
                                "Number opted out of SMS",
                                "This number has opted out of text messages from us. Reply START to our last message"
                                        + " to opt in again, or use another number.")
                        .with("field", "phoneNumber");
            case SmsRejectedException e ->
                problem(
                                400,
                                "sms-rejected",
                                "SMS not deliverable",
                                "We cannot send a text message to this number. Check it or use another number.")
                        .with("field", "phoneNumber");
            case SecretIntegrityException e -> internal();
            default -> internal();
        };
    }

    private static Builder ofDomain(TwoFactorException failure) {
        return switch (failure) {
            case PayloadTooLarge e ->
                problem(
                        413,
                        "payload-too-large",
                        "Request too large",
                        "The request body is larger than " + e.limitBytes() + " bytes.");
            case Unauthenticated e ->
                problem(
                        401,
                        "unauthenticated",
                        "Not signed in",
                        "Sign in again: the request carries no valid identity.");
            case InvalidRequest e ->
                problem(400, "invalid-request", "Invalid request", e.detail()).with("field", e.field());
            case InvalidCode e -> {
                Builder invalid =
                        problem(400, "invalid-code", "Invalid code", "The code is not valid. Check it and try again.");
                e.attemptsBeforeWait().ifPresent(n -> invalid.with("attemptsBeforeWait", n));
                e.attemptsBeforeLock().ifPresent(n -> invalid.with("attemptsBeforeLock", n));
                yield invalid;
            }
            case InvalidToken e ->
                problem(
                        400,
                        "invalid-activation-link",
                        "Invalid activation link",
                        "This activation link is not valid any more. Start enabling two-factor authentication again.");
            case WrongState e -> problem(409, "wrong-state", "Not possible now", capitalize(e.detail()) + ".");
            case Throttled e ->
                problem(
                                429,
                                "too-many-attempts",
                                "Too many attempts",
                                "Too many attempts. Try again in " + e.retryAfterSeconds() + " seconds.")
                        .retryAfter(e.retryAfterSeconds());
            case Locked e ->
                problem(
                        429,
                        "factor-locked",
                        "Locked",
                        "Too many failed attempts: two-factor sign-in is locked. Contact support to unlock it.");
            case StepUpRequired e ->
                problem(
                                403,
                                "step-up-required",
                                "Confirm it is you",
                                "Changing two-factor settings needs a proof of a factor you already have: "
                                        + proofList(e.acceptedProofs())
                                        + ".")
                        .with("acceptedProofs", e.acceptedProofs());
            case EmailNotVerified e ->
                problem(
                        409,
                        "email-not-verified",
                        "Email address not verified",
                        "We send the activation link only to a verified email address. Verify your address with"
                                + " your sign-in provider, then try again.");
        };
    }

    private static String proofList(java.util.List<String> proofs) {
        return proofs.stream()
                .map(p -> switch (p) {
                    case "code" -> "a current code from your authenticator app (\"code\")";
                    case "recoveryCode" -> "a recovery code (\"recoveryCode\")";
                    case "assertion" -> "the assertion of a sign-in within the last 5 minutes (\"assertion\")";
                    default -> p;
                })
                .collect(java.util.stream.Collectors.joining(", or "));
    }

    private static Builder internal() {
        return problem(500, "internal", "Internal error", "Something went wrong on our side.");
    }

    private static Builder problem(int status, String type, String title, String detail) {
        return new Builder(status, type, title, detail);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static final class Builder {
        private final int status;
        private final Map<String, Object> body = new LinkedHashMap<>();
        private final Map<String, String> headers = new LinkedHashMap<>();

        Builder(int status, String type, String title, String detail) {
            this.status = status;
            body.put("type", TYPE_PREFIX + type);
            body.put("title", title);
            body.put("status", status);
            body.put("detail", detail);
        }

        Builder with(String key, Object value) {
            body.put(key, value);
            return this;
        }

        Builder retryAfter(long seconds) {
            headers.put("Retry-After", Long.toString(seconds));
            body.put("retryAfterSeconds", seconds);
            return this;
        }

        Problem build() {
            return new Problem(status, Collections.unmodifiableMap(body), Collections.unmodifiableMap(headers));
        }
    }
}
