package dev.twofa.aws.store;

import static dev.twofa.aws.store.AccountItems.COND_NO_NEW_FAILURES;
import static dev.twofa.aws.store.AccountItems.COND_STEP_ADVANCES;
import static dev.twofa.aws.store.AccountItems.COND_TOTP_ENABLED;
import static dev.twofa.aws.store.AccountItems.RESET_FAILURES;
import static dev.twofa.aws.store.Schema.epochSeconds;
import static dev.twofa.aws.store.Schema.n;
import static dev.twofa.aws.store.Table.and;

import dev.twofa.port.ProofSpend;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Single use of a proof: the items that record a TOTP step, a recovery code or a sign-in assertion
 * as spent, each under the condition that it was not spent before, and the account write that spends
 * one beside the change it allows (commit last: the proof is spent in the change's own transaction).
 */
public final class ProofItems {
    /**
     * Replay record: absent, or expired but not yet deleted by TTL (an expired record must not
     * block, and a live one must: Craft CMS CVE-2024-41800 accepted a TOTP twice).
     */
    public static final String COND_STEP_UNUSED = "attribute_not_exists(pk) OR expiresAt < :now";
    /** A recovery code exists until its single use deletes it. */
    public static final String COND_RECOVERY_CODE_UNUSED = "attribute_exists(pk)";
    /** A spent assertion's record: absent, or expired but not yet deleted by TTL. */
    public static final String COND_ASSERTION_UNSPENT = "attribute_not_exists(pk) OR expiresAt < :now";

    private final Table table;

    ProofItems(Table table) {
        this.table = table;
    }

    /** The used step's replay record (RFC 6238 §5.2): of two requests with one code, one writes it. */
    TransactWriteItem stepRecord(String userId, long step, Instant expiresAt, Instant now) {
        return table.put(
                Schema.expiring(Schema.stepRecord(userId, step), expiresAt),
                COND_STEP_UNUSED,
                Map.of(":now", epochSeconds(now)));
    }

    /** The recovery code's conditional delete (Keycloak #26106: of two requests with one code, one wins). */
    TransactWriteItem recoveryCode(String userId, String codeHash) {
        return table.delete(Schema.recoveryCode(userId, codeHash), COND_RECOVERY_CODE_UNUSED);
    }

    /** The spent assertion's record, until the assertion expires. */
    TransactWriteItem assertion(String userId, String jti, Instant expiresAt, Instant now) {
        return table.put(
                Schema.expiring(Schema.spentAssertion(userId, jti), expiresAt),
                COND_ASSERTION_UNSPENT,
                Map.of(":now", epochSeconds(now)));
    }

    boolean assertionSpent(String userId, String jti, Instant now) {
        // A record past its expiry is absent, as the spending write's condition reads it.
        return table.get(Schema.spentAssertion(userId, jti))
                .filter(item -> Schema.num(item, Schema.TTL) >= now.getEpochSecond())
                .isPresent();
    }

    /** Step-up with an assertion alone: its record, and the lockout cleared. */
    boolean spendAssertion(String userId, String jti, Instant expiresAt, int seenFailures, Instant now) {
        return table.transact(List.of(
                assertion(userId, jti, expiresAt, now),
                table.update(
                        Schema.account(userId),
                        RESET_FAILURES,
                        COND_NO_NEW_FAILURES,
                        Map.of(":zero", n(0), ":seen", n(seenFailures)))));
    }

    /** The proof's own item: the step's replay record, the recovery code's delete or the assertion's record. */
    TransactWriteItem item(String userId, ProofSpend proof, Instant now) {
        return switch (proof) {
            case ProofSpend.TotpStep s -> stepRecord(userId, s.step(), s.recordExpiresAt(), now);
            case ProofSpend.RecoveryCode r -> recoveryCode(userId, r.codeHash());
            case ProofSpend.Assertion a -> assertion(userId, a.jti(), a.expiresAt(), now);
        };
    }

    /**
     * The account item's write for a change that spends {@code proof}: DynamoDB takes one write per
     * item in a transaction, so the proof's own conditions on the account item (its step advances,
     * no failure counted since it was read) join the change's {@code conditions}.
     */
    TransactWriteItem accountUpdate(
            String userId,
            String update,
            List<String> conditions,
            ProofSpend proof,
            Map<String, AttributeValue> changeValues) {
        Set<String> all = new LinkedHashSet<>(conditions);
        all.addAll(conditions(proof));
        Map<String, AttributeValue> values = new HashMap<>(changeValues);
        values.put(":zero", n(0));
        values.put(":seen", n(proof.seenFailures()));
        if (proof instanceof ProofSpend.TotpStep totpStep) {
            values.put(":step", n(totpStep.step()));
        }
        return table.update(Schema.account(userId), update, and(all.toArray(String[]::new)), values);
    }

    /** The SET clauses of spending a proof while the factor stays: the lockout clears, a step is the last accepted. */
    static String set(ProofSpend proof) {
        return proof instanceof ProofSpend.TotpStep ? "failures = :zero, totpLastStep = :step" : "failures = :zero";
    }

    /** What spending a proof requires of the account item, as a sign-in with it does. */
    private static List<String> conditions(ProofSpend proof) {
        return switch (proof) {
            // RFC 6238 §5.2: the step must be above the last accepted one.
            case ProofSpend.TotpStep s -> List.of(COND_STEP_ADVANCES, COND_NO_NEW_FAILURES);
            case ProofSpend.RecoveryCode r -> List.of(COND_TOTP_ENABLED, COND_NO_NEW_FAILURES);
            case ProofSpend.Assertion a -> List.of(COND_NO_NEW_FAILURES);
        };
    }
}
