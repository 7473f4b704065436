package dev.twofa.it.totp;

import static dev.twofa.it.support.Enrollment.verify;
import static org.assertj.core.api.Assertions.assertThat;

import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.TestApp;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The exact condition of every conditional write, as sent on the wire (recorded by an SDK
 * interceptor). Literal strings on purpose: a changed condition must be a visible decision.
 */
class ConditionExpressionsIT {
    private final TestApp app = new TestApp();
    private final String user = "user-" + UUID.randomUUID();

    private List<String> transactionConditions() {
        return app.dynamoRequests.requestsOf(TransactWriteItemsRequest.class).stream()
                .flatMap(t -> t.transactItems().stream())
                .map(ConditionExpressionsIT::condition)
                .toList();
    }

    private static String condition(TransactWriteItem item) {
        if (item.put() != null) return "put " + item.put().conditionExpression();
        if (item.update() != null) return "update " + item.update().conditionExpression();
        if (item.delete() != null) return "delete " + item.delete().conditionExpression();
        return "check " + item.conditionCheck().conditionExpression();
    }

    @Test
    void startEnable_refusesAnEnabledFactor_andNeverOverwritesAGrant() {
        Enrollment.startAndReadToken(app, user);
        assertThat(transactionConditions())
                .containsExactly(
                        // Enabling again while enabled would orphan the live secret.
                        "check attribute_not_exists(totpEnabledAt)",
                        // Re-enabling replaces a pending enrollment on purpose.
                        "put null",
                        // A grant is never overwritten (guards token-hash collisions and bugs).
                        "put attribute_not_exists(pk)",
                        // Its totp_enable_started audit item, in the same transaction (commit last).
                        "put attribute_not_exists(pk)");
    }

    @Test
    void activate_consumesTheGrantOnce_forItsUser_beforeExpiry() {
        String token = Enrollment.startAndReadToken(app, user);
        app.dynamoRequests.clear();
        Enrollment.activate(app, user, token);
        assertThat(transactionConditions())
                .containsExactly(
                        // OWASP: single use via conditional write, bound to the user, expiry checked
                        // because TTL deletion lags (docs/standards.md, "AWS behaviour").
                        "delete attribute_exists(pk) AND userId = :uid AND expiresAt > :now",
                        // An older link cannot activate a replaced enrollment.
                        "update enrollmentId = :eid AND stage = :stage AND expiresAt > :now");
    }

    @Test
    void confirm_enablesOnce_andSpendsTheEnrollmentStep() {
        String token = Enrollment.startAndReadToken(app, user);
        String secret = (String) dev.twofa.it.support.Api.body(Enrollment.activate(app, user, token))
                .get("secret");
        app.dynamoRequests.clear();
        Enrollment.confirm(app, user, IndependentTotp.codeAt(secret, app.clock.instant()));
        List<String> conditions = transactionConditions();
        assertThat(conditions.subList(0, 3))
                .containsExactly(
                        "delete enrollmentId = :eid AND stage = :stage AND expiresAt > :now",
                        // Started without a factor (no step-up): only while SMS and security keys are still
                        // off; and only if no failure was counted since the read (the count is not reset).
                        "update (attribute_not_exists(totpEnabledAt)) AND (attribute_not_exists(smsEnabledAt))"
                                + " AND (attribute_not_exists(webauthnEnabledAt))"
                                + " AND (attribute_not_exists(failures) OR failures <= :seen)",
                        // RFC 6238 §5.2: the enrollment code counts as used.
                        "put attribute_not_exists(pk) OR expiresAt < :now");
        assertThat(conditions.subList(3, conditions.size()))
                .hasSize(10)
                .allMatch("put attribute_not_exists(pk)"::equals);
    }

    @Test
    void verify_writesTheReplayRecordAndAdvancesTheStep_inOneTransaction() {
        Enrollment.Enrolled enrolled = Enrollment.enroll(app, user);
        // The instance's steady state: a first signature reads (or creates) the envelope signing key.
        app.assertionSigner.signingKey();
        app.dynamoRequests.clear();
        app.kmsRequests.clear();
        verify(app, user, "code", IndependentTotp.code(enrolled.secret(), enrolled.enrollmentStep() + 1));

        assertThat(transactionConditions())
                .containsExactly(
                        // CVE-2024-41800 (Craft CMS accepted a TOTP twice): the matched step is recorded
                        // with a condition that also treats an expired-but-undeleted record as absent.
                        "put attribute_not_exists(pk) OR expiresAt < :now",
                        // java-totp #63: a step at or below the last accepted one is refused; AuthQuake:
                        // a right code passes only if no guess was counted since the account was read.
                        "update (attribute_exists(totpEnabledAt) AND totpLastStep < :step)"
                                + " AND (attribute_not_exists(failures) OR failures <= :seen)",
                        // The sign-in's audit item, in the same transaction: both or neither. Append-only.
                        "put attribute_not_exists(pk)");
        TransactWriteItem step = app.dynamoRequests.requestsOf(TransactWriteItemsRequest.class).stream()
                .flatMap(t -> t.transactItems().stream())
                .filter(i -> i.put() != null)
                .findFirst()
                .orElseThrow();
        assertThat(step.put().item().get("sk").s()).isEqualTo("TOTP#STEP#" + (enrolled.enrollmentStep() + 1));
        // The replay record outlives the last 30 s window in which its step still matches (drift: one
        // step either side) by one more period; past that, the step can never match again.
        long stillMatchesUntil = (enrolled.enrollmentStep() + 1 + 1 + 1) * 30;
        assertThat(Long.parseLong(step.put().item().get("expiresAt").n())).isEqualTo(stillMatchesUntil + 30);
        assertThat(app.dynamoRequests.requestsOf(UpdateItemRequest.class)).isEmpty();
        // A sign-in on the wire: one read, one conditional transaction that holds the audit item too.
        // No call was added by counting every guess.
        assertThat(app.dynamoRequests.operations()).containsExactly("GetItem", "TransactWriteItems");
        // KMS: nothing in the envelope modes (the default: data key and signing key in memory, unwrapped
        // once per instance); with SECRETS_ENCRYPTION=kms a Decrypt of the secret, with ASSERTION_SIGNING=kms
        // a Sign (GetPublicKey, for the kid, is once per instance, not per sign-in).
        List<String> kmsPerSignIn = new ArrayList<>();
        if (!app.envelopeSecrets) {
            kmsPerSignIn.add("Decrypt");
        }
        if (!app.envelopeSigning) {
            kmsPerSignIn.add("Sign");
        }
        assertThat(app.kmsRequests.operations().stream().filter(op -> !op.equals("GetPublicKey")))
                .containsExactlyElementsOf(kmsPerSignIn);
        assertThat(app.dynamoRequests.requestsOf(PutItemRequest.class).stream()
                        .filter(p -> !p.item().get("pk").s().startsWith("AUDIT#")))
                .isEmpty();
    }

    @Test
    void recoveryCode_isDeletedOnce_andFailuresCountAtomically() {
        Enrollment.Enrolled enrolled = Enrollment.enroll(app, user);
        app.dynamoRequests.clear();
        verify(app, user, "recoveryCode", enrolled.recoveryCodes().get(0));
        assertThat(transactionConditions())
                .containsExactly(
                        "delete attribute_exists(pk)",
                        "update (attribute_exists(totpEnabledAt)) AND (attribute_not_exists(failures) OR failures <="
                                + " :seen)",
                        // recovery_code_used and verify_succeeded, written with the spent code.
                        "put attribute_not_exists(pk)",
                        "put attribute_not_exists(pk)");

        app.dynamoRequests.clear();
        verify(
                app,
                user,
                "code",
                "000000".equals(IndependentTotp.codeAt(enrolled.secret(), app.clock.instant())) ? "111111" : "000000");
        List<UpdateItemRequest> failures = app.dynamoRequests.requestsOf(UpdateItemRequest.class);
        // AuthQuake: the count is an atomic ADD on the per-user item, shared by every session, and
        // only within the budget: the free failures, or one more once the wait after the last is over.
        assertThat(failures)
                .extracting(UpdateItemRequest::updateExpression)
                .containsExactly("ADD failures :one SET lastFailureAt = :at");
        assertThat(failures)
                .extracting(UpdateItemRequest::conditionExpression)
                .containsExactly("attribute_not_exists(failures) OR failures < :free"
                        + " OR (failures = :seen AND failures < :hard AND lastFailureAt <= :latest)");
    }

    @Test
    void disable_removesTheFactorOnlyIfEnabled() {
        Enrollment.Enrolled enrolled = Enrollment.enroll(app, user);
        app.dynamoRequests.clear();
        Enrollment.disable(app, user, "recoveryCode", enrolled.recoveryCodes().get(1));
        List<String> conditions = transactionConditions();
        // Commit last: one transaction spends the proof and removes the factor. The account update
        // holds both conditions (one write per item), then the recovery code spent to prove it, the
        // pending enrollment, the other nine codes, and the recovery_code_used and totp_disabled items.
        assertThat(conditions)
                .containsExactly(
                        "update (attribute_exists(totpEnabledAt)) AND (attribute_not_exists(failures) OR failures <="
                                + " :seen)",
                        "delete attribute_exists(pk)",
                        "delete null",
                        "delete null",
                        "delete null",
                        "delete null",
                        "delete null",
                        "delete null",
                        "delete null",
                        "delete null",
                        "delete null",
                        "delete null",
                        "put attribute_not_exists(pk)",
                        "put attribute_not_exists(pk)");
        assertThat(app.dynamoRequests.requestsOf(TransactWriteItemsRequest.class))
                .as("one transaction")
                .hasSize(1);
    }
}
