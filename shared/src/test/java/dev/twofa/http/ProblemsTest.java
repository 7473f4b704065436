package dev.twofa.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofa.app.api.TwoFactorException;
import dev.twofa.domain.sms.InvalidPhoneNumberException;
import dev.twofa.port.DependencyException;
import dev.twofa.port.SecretIntegrityException;
import dev.twofa.port.SmsRejectedException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every failure's status, type, fixed texts and headers: what a client (and docs/openapi.yaml) relies on. */
class ProblemsTest {

    private static Problems.Problem of(Throwable failure) {
        return Problems.of(failure);
    }

    private static void assertProblem(Problems.Problem problem, int status, String type, String title) {
        assertThat(problem.status()).isEqualTo(status);
        assertThat(problem.body())
                .containsEntry("type", "urn:twofa:problem:" + type)
                .containsEntry("title", title)
                .containsEntry("status", status);
        assertThat((String) problem.body().get("detail")).isNotBlank();
    }

    @Test
    void unauthenticated_is401_withoutTheLogMessage() {
        var problem = of(new TwoFactorException.Unauthenticated("no sub claim for user-9"));
        assertProblem(problem, 401, "unauthenticated", "Not signed in");
        assertThat(problem.body()).containsEntry("detail", "Sign in again: the request carries no valid identity.");
        assertThat(problem.headers()).isEmpty();
    }

    @Test
    void invalidRequest_is400_namingTheField() {
        var problem = of(new TwoFactorException.InvalidRequest("code", "The code must be 6 digits."));
        assertProblem(problem, 400, "invalid-request", "Invalid request");
        assertThat(problem.body())
                .containsEntry("detail", "The code must be 6 digits.")
                .containsEntry("field", "code");
    }

    @Test
    void invalidCode_is400_withOneFixedText() {
        var problem = of(new TwoFactorException.InvalidCode("replayed step 42"));
        assertProblem(problem, 400, "invalid-code", "Invalid code");
        assertThat(problem.body()).containsEntry("detail", "The code is not valid. Check it and try again.");
        assertThat(problem.body()).doesNotContainKey("field");
        assertThat(problem.body()).doesNotContainKeys("attemptsBeforeWait", "attemptsBeforeLock");
    }

    @Test
    void aCountedInvalidCode_saysHowManyMoreWrongCodesBeforeTheWaitAndTheLock() {
        var problem = of(new TwoFactorException.InvalidCode("wrong code", 1, 96));
        assertProblem(problem, 400, "invalid-code", "Invalid code");
        assertThat(problem.body())
                .containsEntry("detail", "The code is not valid. Check it and try again.")
                .containsEntry("attemptsBeforeWait", 1)
                .containsEntry("attemptsBeforeLock", 96);
        assertThat(problem.headers()).isEmpty();
    }

    @Test
    void invalidToken_is400() {
        var problem = of(new TwoFactorException.InvalidToken("expired"));
        assertProblem(problem, 400, "invalid-activation-link", "Invalid activation link");
        assertThat(problem.body())
                .containsEntry(
                        "detail",
                        "This activation link is not valid any more. Start enabling two-factor authentication again.");
    }

    @Test
    void wrongState_is409_withTheDetailAsASentence() {
        var problem = of(new TwoFactorException.WrongState("open the activation link from your email first"));
        assertProblem(problem, 409, "wrong-state", "Not possible now");
        assertThat(problem.body()).containsEntry("detail", "Open the activation link from your email first.");
        assertThat(of(new TwoFactorException.WrongState("")).body()).containsEntry("detail", ".");
    }

    @Test
    void throttled_is429_withRetryAfterInHeaderAndBody() {
        var problem = of(new TwoFactorException.Throttled(37));
        assertProblem(problem, 429, "too-many-attempts", "Too many attempts");
        assertThat(problem.headers()).containsExactlyEntriesOf(Map.of("Retry-After", "37"));
        assertThat(problem.body())
                .containsEntry("retryAfterSeconds", 37L)
                .containsEntry("detail", "Too many attempts. Try again in 37 seconds.");
    }

    @Test
    void locked_is429_withoutRetryAfter() {
        var problem = of(new TwoFactorException.Locked());
        assertProblem(problem, 429, "factor-locked", "Locked");
        assertThat(problem.headers()).isEmpty();
        assertThat(problem.body())
                .containsEntry(
                        "detail",
                        "Too many failed attempts: two-factor sign-in is locked. Contact support to unlock it.");
    }

    @Test
    void stepUpRequired_is403_listingTheAcceptedProofs() {
        var problem = of(new TwoFactorException.StepUpRequired(List.of("code", "recoveryCode", "assertion", "sms")));
        assertProblem(problem, 403, "step-up-required", "Confirm it is you");
        assertThat(problem.body())
                .containsEntry("acceptedProofs", List.of("code", "recoveryCode", "assertion", "sms"))
                .containsEntry(
                        "detail",
                        "Changing two-factor settings needs a proof of a factor you already have: a current code from"
                                + " your authenticator app (\"code\"), or a recovery code (\"recoveryCode\"), or the"
                                + " assertion of a sign-in within the last 5 minutes (\"assertion\"), or sms.");
    }

    @Test
    void emailNotVerified_is409() {
        var problem = of(new TwoFactorException.EmailNotVerified());
        assertProblem(problem, 409, "email-not-verified", "Email address not verified");
        assertThat((String) problem.body().get("detail")).startsWith("We send the activation link only to a verified");
    }

    @Test
    void retryableDependencyFault_is503_withRetryAfter_andNoMessage() {
        var problem = of(new DependencyException("KMS", true, "ThrottlingException (HTTP 400)", null));
        assertProblem(problem, 503, "dependency-unavailable", "Service temporarily unavailable");
        assertThat(problem.headers()).containsExactlyEntriesOf(Map.of("Retry-After", "2"));
        assertThat(problem.body()).containsEntry("retryAfterSeconds", 2L);
        assertThat(problem.body().toString()).doesNotContain("Throttling").doesNotContain("KMS");
    }

    @Test
    void permanentDependencyFault_is502_withoutRetryAfter() {
        var problem = of(new DependencyException("SES", false, "MessageRejected (HTTP 400)", null));
        assertProblem(problem, 502, "dependency-failed", "Dependency failure");
        assertThat(problem.headers()).isEmpty();
        assertThat(problem.body()).doesNotContainKey("retryAfterSeconds");
    }

    @Test
    void invalidPhoneNumber_is400_withItsDetail_forThePhoneNumberField() {
        var problem = of(new InvalidPhoneNumberException(
                InvalidPhoneNumberException.Reason.NOT_MOBILE, "This looks like a landline number."));
        assertProblem(problem, 400, "invalid-phone-number", "Invalid phone number");
        assertThat(problem.body())
                .containsEntry("detail", "This looks like a landline number.")
                .containsEntry("field", "phoneNumber");
    }

    @Test
    void smsOptedOut_andSmsRejected_areDistinct400s() {
        var optedOut = of(new SmsRejectedException(SmsRejectedException.Reason.OPTED_OUT, "opted out +4520", null));
        var refused = of(new SmsRejectedException(SmsRejectedException.Reason.REFUSED, "invalid +4520", null));

        assertProblem(optedOut, 400, "sms-opted-out", "Number opted out of SMS");
        assertProblem(refused, 400, "sms-rejected", "SMS not deliverable");
        assertThat(optedOut.body()).containsEntry("field", "phoneNumber");
        assertThat(refused.body()).containsEntry("field", "phoneNumber");
        assertThat(optedOut.body().toString() + refused.body()).doesNotContain("+4520");
    }

    @Test
    void integrityFailures_andEverythingElse_are500s_withoutTheirMessage() {
        for (Throwable failure : List.of(
                new SecretIntegrityException("ciphertext of user-3 does not authenticate", null),
                new IllegalStateException("boom user-3"),
                new Error("user-3"))) {
            var problem = of(failure);
            assertProblem(problem, 500, "internal", "Internal error");
            assertThat(problem.body()).containsEntry("detail", "Something went wrong on our side.");
            assertThat(problem.body().toString()).doesNotContain("user-3");
            assertThat(problem.headers()).isEmpty();
        }
    }
}
