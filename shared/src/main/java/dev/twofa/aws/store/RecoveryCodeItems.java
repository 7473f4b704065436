package dev.twofa.aws.store;

import static dev.twofa.aws.store.AccountItems.COND_NO_NEW_FAILURES;
import static dev.twofa.aws.store.AccountItems.COND_TOTP_ENABLED;
import static dev.twofa.aws.store.AccountItems.RESET_FAILURES;
import static dev.twofa.aws.store.Schema.RECOVERY_PREFIX;
import static dev.twofa.aws.store.Schema.b;
import static dev.twofa.aws.store.Schema.millis;
import static dev.twofa.aws.store.Schema.n;
import static dev.twofa.aws.store.Schema.s;
import static dev.twofa.aws.store.Table.and;

import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.port.ProofSpend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The recovery codes: one item per unused code ({@code USER#id / RECOVERY#hash}), deleted by its
 * single use ({@link ProofItems#recoveryCode}); the salt they are hashed with is on the account item.
 */
public final class RecoveryCodeItems {
    /** A new recovery code never overwrites an existing item. */
    public static final String COND_NEW_CODE = "attribute_not_exists(pk)";

    private final Table table;
    private final ProofItems proofs;

    RecoveryCodeItems(Table table, ProofItems proofs) {
        this.table = table;
        this.proofs = proofs;
    }

    List<String> hashes(String userId) {
        return keys(userId, Select.ALL_PROJECTED_ATTRIBUTES).items().stream()
                .map(item -> item.get(Schema.SK).s().substring(RECOVERY_PREFIX.length()))
                .toList();
    }

    int count(String userId) {
        return keys(userId, Select.COUNT).count();
    }

    /** A sign-in with a recovery code: the code's delete, and the lockout cleared while TOTP is on. */
    boolean consume(String userId, String codeHash, int seenFailures, List<SecurityEvent> audit) {
        return table.transactAudited(
                List.of(
                        proofs.recoveryCode(userId, codeHash),
                        table.update(
                                Schema.account(userId),
                                RESET_FAILURES,
                                and(COND_TOTP_ENABLED, COND_NO_NEW_FAILURES),
                                Map.of(":zero", n(0), ":seen", n(seenFailures)))),
                audit);
    }

    /** New codes under a new salt, the old ones deleted, the step-up {@code proof} spent: one transaction. */
    boolean replace(
            String userId,
            byte[] recoverySalt,
            List<String> recoveryCodeHashes,
            ProofSpend proof,
            Instant now,
            List<SecurityEvent> audit) {
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(proofs.accountUpdate(
                userId,
                "SET recoverySalt = :salt, " + ProofItems.set(proof) + " REMOVE lastFailureAt",
                List.of(COND_TOTP_ENABLED),
                proof,
                Map.of(":salt", b(recoverySalt))));
        writes.add(proofs.item(userId, proof, now));
        writes.addAll(deleteAll(userId, proof));
        writes.addAll(puts(userId, recoveryCodeHashes, now));
        return table.transactAudited(writes, audit);
    }

    /** The puts of new codes, each refusing to overwrite an item. */
    List<TransactWriteItem> puts(String userId, List<String> hashes, Instant now) {
        return hashes.stream()
                .map(hash -> {
                    Map<String, AttributeValue> item = Schema.item(Schema.recoveryCode(userId, hash));
                    item.put("createdAt", millis(now));
                    return table.put(item, COND_NEW_CODE);
                })
                .toList();
    }

    /**
     * Deletes of every recovery code but the one {@code proof} spends (its conditional delete is
     * {@link ProofItems#item}; one write per item; none when {@code proof} is null): at most 10, well
     * within the 100 items of a transaction.
     */
    List<TransactWriteItem> deleteAll(String userId, ProofSpend proof) {
        String spent = proof instanceof ProofSpend.RecoveryCode r ? RECOVERY_PREFIX + r.codeHash() : null;
        return keys(userId, Select.ALL_PROJECTED_ATTRIBUTES).items().stream()
                .filter(item -> !item.get(Schema.SK).s().equals(spent))
                .map(item -> table.delete(Map.of(Schema.PK, item.get(Schema.PK), Schema.SK, item.get(Schema.SK))))
                .toList();
    }

    private QueryResponse keys(String userId, Select select) {
        return table.query(query -> {
            query.consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(Map.of(":pk", s(Schema.user(userId)), ":prefix", s(RECOVERY_PREFIX)));
            if (select == Select.COUNT) {
                query.select(Select.COUNT);
            } else {
                query.projectionExpression("pk, sk");
            }
        });
    }
}
