package dev.twofa.aws.store;

import static dev.twofa.aws.store.AccountItems.COND_FACTOR_BESIDES_TOTP;
import static dev.twofa.aws.store.AccountItems.COND_NO_NEW_FAILURES;
import static dev.twofa.aws.store.AccountItems.COND_SMS_NOT_ENABLED;
import static dev.twofa.aws.store.AccountItems.COND_STEP_ADVANCES;
import static dev.twofa.aws.store.AccountItems.COND_TOTP_ENABLED;
import static dev.twofa.aws.store.AccountItems.COND_TOTP_NOT_ENABLED;
import static dev.twofa.aws.store.AccountItems.COND_WEBAUTHN_NOT_ENABLED;
import static dev.twofa.aws.store.Schema.b;
import static dev.twofa.aws.store.Schema.bool;
import static dev.twofa.aws.store.Schema.epochSeconds;
import static dev.twofa.aws.store.Schema.expiresAt;
import static dev.twofa.aws.store.Schema.millis;
import static dev.twofa.aws.store.Schema.n;
import static dev.twofa.aws.store.Schema.s;
import static dev.twofa.aws.store.Schema.str;
import static dev.twofa.aws.store.Table.and;

import dev.twofa.domain.account.TotpFactor;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.domain.enrollment.ActivationGrant;
import dev.twofa.domain.enrollment.EnrollmentStage;
import dev.twofa.domain.enrollment.PendingEnrollment;
import dev.twofa.port.ProofSpend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The authenticator app's factor: the pending enrollment ({@code USER#id / TOTP#PENDING}), the
 * activation link's grant ({@code ACTIVATION#hash / GRANT}), and the factor's fields on the account
 * item, from enrollment through sign-in to disabling.
 */
public final class TotpItems {
    /** A new grant never overwrites an existing item. */
    public static final String COND_NEW_GRANT = "attribute_not_exists(pk)";
    /** Single use, bound to its user, not past its expiry even if TTL has not deleted it. */
    public static final String COND_GRANT_USABLE = "attribute_exists(pk) AND userId = :uid AND expiresAt > :now";
    /** The grant's enrollment is still the pending one and still waits for activation. */
    public static final String COND_ENROLLMENT_AT_STAGE = "enrollmentId = :eid AND stage = :stage AND expiresAt > :now";

    private final Table table;
    private final ProofItems proofs;
    private final RecoveryCodeItems recoveryCodes;

    TotpItems(Table table, ProofItems proofs, RecoveryCodeItems recoveryCodes) {
        this.table = table;
        this.proofs = proofs;
        this.recoveryCodes = recoveryCodes;
    }

    boolean startEnrollment(
            PendingEnrollment pending,
            ActivationGrant grant,
            Optional<ProofSpend> proof,
            Instant now,
            List<SecurityEvent> audit) {
        Map<String, AttributeValue> pendingItem =
                Schema.expiring(Schema.pendingEnrollment(pending.userId()), pending.expiresAt());
        pendingItem.put("enrollmentId", s(pending.enrollmentId()));
        pendingItem.put("stage", s(pending.stage().name()));
        if (pending.email() != null) {
            pendingItem.put("email", s(pending.email()));
        }
        pendingItem.put("steppedUp", bool(pending.steppedUp()));
        Map<String, AttributeValue> grantItem = Schema.expiring(Schema.grant(grant.tokenHash()), grant.expiresAt());
        grantItem.put("userId", s(grant.userId()));
        grantItem.put("enrollmentId", s(grant.enrollmentId()));

        String userId = pending.userId();
        List<TransactWriteItem> writes = new ArrayList<>();
        if (proof.isPresent()) {
            // The step-up proof is spent with the enrollment it allows (commit last).
            writes.add(proofs.accountUpdate(
                    userId,
                    "SET " + ProofItems.set(proof.get()) + " REMOVE lastFailureAt",
                    List.of(COND_TOTP_NOT_ENABLED),
                    proof.get(),
                    Map.of()));
            writes.add(proofs.item(userId, proof.get(), now));
        } else {
            writes.add(table.check(Schema.account(userId), COND_TOTP_NOT_ENABLED));
        }
        // Replaces any pending enrollment: links sent for it stop working (their grants
        // name the old enrollmentId, which no longer matches).
        writes.add(table.put(pendingItem));
        writes.add(table.put(grantItem, COND_NEW_GRANT));
        return table.transactAudited(writes, audit);
    }

    Optional<ActivationGrant> findActivationGrant(String tokenHash, Instant now) {
        return table.get(Schema.grant(tokenHash))
                .map(item ->
                        new ActivationGrant(tokenHash, str(item, "userId"), str(item, "enrollmentId"), expiresAt(item)))
                .filter(grant -> !grant.isExpired(now));
    }

    /** Consumes the grant and stores the activated secret on the pending enrollment, in one transaction. */
    boolean activate(ActivationGrant grant, byte[] secretCiphertext, Instant now, Instant confirmBy) {
        return table.transact(List.of(
                table.delete(
                        Schema.grant(grant.tokenHash()),
                        COND_GRANT_USABLE,
                        Map.of(":uid", s(grant.userId()), ":now", epochSeconds(now))),
                table.update(
                        Schema.pendingEnrollment(grant.userId()),
                        "SET stage = :next, totpSecret = :secret, expiresAt = :until",
                        COND_ENROLLMENT_AT_STAGE,
                        Map.of(
                                ":eid", s(grant.enrollmentId()),
                                ":stage", s(EnrollmentStage.AWAITING_ACTIVATION.name()),
                                ":now", epochSeconds(now),
                                ":next", s(EnrollmentStage.AWAITING_CONFIRMATION.name()),
                                ":secret", b(secretCiphertext),
                                ":until", epochSeconds(confirmBy)))));
    }

    Optional<PendingEnrollment> findPendingEnrollment(String userId, Instant now) {
        return table.get(Schema.pendingEnrollment(userId))
                .map(item -> new PendingEnrollment(
                        userId,
                        str(item, "enrollmentId"),
                        EnrollmentStage.valueOf(str(item, "stage")),
                        str(item, "email"),
                        Schema.bytes(item, "totpSecret"),
                        expiresAt(item),
                        Schema.isTrue(item, "steppedUp")))
                .filter(pending -> !pending.isExpired(now));
    }

    boolean enable(
            PendingEnrollment pending,
            TotpFactor factor,
            Instant stepRecordExpiresAt,
            byte[] recoverySalt,
            List<String> recoveryCodeHashes,
            int seenFailures,
            Instant now) {
        String userId = pending.userId();
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(table.delete(
                Schema.pendingEnrollment(userId),
                COND_ENROLLMENT_AT_STAGE,
                Map.of(
                        ":eid", s(pending.enrollmentId()),
                        ":stage", s(EnrollmentStage.AWAITING_CONFIRMATION.name()),
                        ":now", epochSeconds(now))));
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":secret", b(factor.secretCiphertext()));
        values.put(":step", n(factor.lastStep()));
        values.put(":at", millis(factor.enabledAt()));
        values.put(":salt", b(recoverySalt));
        values.put(":seen", n(seenFailures));
        String update = AccountItems.withEmail(
                "SET totpSecret = :secret, totpLastStep = :step, totpEnabledAt = :at, recoverySalt = :salt",
                pending.email(),
                values);
        // Started without step-up (the account had no factor): SMS turned on since must not be bypassed.
        String condition = pending.steppedUp()
                ? and(COND_TOTP_NOT_ENABLED, COND_NO_NEW_FAILURES)
                : and(COND_TOTP_NOT_ENABLED, COND_SMS_NOT_ENABLED, COND_WEBAUTHN_NOT_ENABLED, COND_NO_NEW_FAILURES);
        writes.add(table.update(Schema.account(userId), update, condition, values));
        writes.add(proofs.stepRecord(userId, factor.lastStep(), stepRecordExpiresAt, now));
        writes.addAll(recoveryCodes.puts(userId, recoveryCodeHashes, now));
        return table.transact(writes);
    }

    /** A sign-in with a TOTP code: the step's replay record, and the step accepted on the account item. */
    boolean acceptStep(
            String userId,
            long step,
            Instant recordExpiresAt,
            int seenFailures,
            Instant now,
            List<SecurityEvent> audit) {
        // RFC 6238 §5.2 / CVE-2024-41800: of two requests with one code, only one writes the step.
        return table.transactAudited(
                List.of(
                        proofs.stepRecord(userId, step, recordExpiresAt, now),
                        table.update(
                                Schema.account(userId),
                                "SET totpLastStep = :step, failures = :zero REMOVE lastFailureAt",
                                and(COND_STEP_ADVANCES, COND_NO_NEW_FAILURES),
                                Map.of(":step", n(step), ":zero", n(0), ":seen", n(seenFailures)))),
                audit);
    }

    boolean disable(
            String userId, boolean keepAnotherFactor, ProofSpend proof, Instant now, List<SecurityEvent> audit) {
        List<String> conditions = new ArrayList<>(List.of(COND_TOTP_ENABLED));
        if (keepAnotherFactor) {
            conditions.add(COND_FACTOR_BESIDES_TOTP);
        }
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(proofs.accountUpdate(
                userId,
                "SET failures = :zero REMOVE lastFailureAt, totpSecret, totpLastStep, totpEnabledAt, recoverySalt",
                conditions,
                proof,
                Map.of()));
        writes.add(proofs.item(userId, proof, now));
        writes.add(table.delete(Schema.pendingEnrollment(userId)));
        writes.addAll(recoveryCodes.deleteAll(userId, proof));
        return table.transactAudited(writes, audit);
    }
}
