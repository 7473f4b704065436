package dev.twofa.aws.store;

import static dev.twofa.aws.store.AccountItems.COND_FACTOR_BESIDES_SMS;
import static dev.twofa.aws.store.AccountItems.COND_NO_NEW_FAILURES;
import static dev.twofa.aws.store.AccountItems.COND_SMS_ENABLED;
import static dev.twofa.aws.store.AccountItems.COND_SMS_NOT_ENABLED;
import static dev.twofa.aws.store.AccountItems.COND_TOTP_NOT_ENABLED;
import static dev.twofa.aws.store.AccountItems.COND_WEBAUTHN_NOT_ENABLED;
import static dev.twofa.aws.store.AccountItems.RESET_FAILURES;
import static dev.twofa.aws.store.Schema.b;
import static dev.twofa.aws.store.Schema.bool;
import static dev.twofa.aws.store.Schema.epochSeconds;
import static dev.twofa.aws.store.Schema.millis;
import static dev.twofa.aws.store.Schema.n;
import static dev.twofa.aws.store.Schema.s;
import static dev.twofa.aws.store.Schema.str;
import static dev.twofa.aws.store.Table.and;

import dev.twofa.domain.account.SmsChallenge;
import dev.twofa.domain.account.SmsFactor;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.domain.sms.SmsPurpose;
import dev.twofa.port.ProofSpend;
import dev.twofa.port.TwoFactorStore.SendHistory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The SMS factor: the latest code's challenge ({@code USER#id / SMS#CHALLENGE}), the send histories
 * of the rate limits ({@code SMSRATE#key / HISTORY}), the shards of the hourly budgets ({@code
 * SMSBUDGET#… / BUDGET}), and the factor's fields on the account item, from enabling through
 * sign-in to removing.
 */
public final class SmsItems {
    /** Optimistic lock on a send history: nobody wrote it since it was read. */
    public static final String COND_HISTORY_UNCHANGED = "attribute_not_exists(pk) OR version = :seen";
    /** A refund removes the history only if nobody spent since. */
    public static final String COND_HISTORY_VERSION = "version = :seen";
    /** Removes a failed send's challenge, not a newer one. */
    public static final String COND_SAME_CHALLENGE = "challengeId = :cid";
    /** A check is spent before the code is compared: at most maxChecks, only while valid. */
    public static final String COND_CHECK_LEFT = "challengeId = :cid AND checks < :max AND expiresAt > :now";
    /**
     * SMS pumping: a shard takes a send only below its cap, in the same atomic write that counts
     * it; a read-then-write would let parallel sends all see room and overspend the budget. The hour
     * is in the shard's key, so a later hour never meets an earlier hour's item, expired or not, and
     * the condition needs no expiry check.
     */
    public static final String COND_BUDGET_SHARD_HAS_ROOM = "attribute_not_exists(sends) OR sends < :cap";
    /** A refund never takes a shard below zero (which would raise its cap for the hour). */
    public static final String COND_BUDGET_SHARD_SPENT = "sends > :zero";

    private final Table table;
    private final ProofItems proofs;

    SmsItems(Table table, ProofItems proofs) {
        this.table = table;
        this.proofs = proofs;
    }

    // ---- send histories (rate limits) ----

    SendHistory findSendHistory(String rateKey) {
        return table.get(Schema.sendHistory(rateKey))
                .map(item -> new SendHistory(
                        item.get("sends").l().stream()
                                .map(v -> Instant.ofEpochSecond(Long.parseLong(v.n())))
                                .toList(),
                        Schema.num(item, "version"),
                        Optional.ofNullable(item.get("freedAfter"))
                                .map(v -> Instant.ofEpochSecond(Long.parseLong(v.n())))))
                .orElse(SendHistory.NONE);
    }

    boolean freeSendInterval(String rateKey, SendHistory seen, Instant lastSend) {
        return table.conditionally(table.update(
                Schema.sendHistory(rateKey),
                "SET freedAfter = :sent, version = :next",
                COND_HISTORY_VERSION,
                Map.of(
                        ":sent", Schema.epochSeconds(lastSend),
                        ":next", n(seen.version() + 1),
                        ":seen", n(seen.version()))));
    }

    boolean saveSendHistory(String rateKey, SendHistory seen, List<Instant> sends, Instant expiresAt) {
        Map<String, AttributeValue> item = Schema.expiring(Schema.sendHistory(rateKey), expiresAt);
        item.put(
                "sends",
                AttributeValue.fromL(sends.stream().map(Schema::epochSeconds).toList()));
        item.put("version", n(seen.version() + 1));
        return table.conditionally(table.put(item, COND_HISTORY_UNCHANGED, Map.of(":seen", n(seen.version()))));
    }

    boolean deleteSendHistory(String rateKey, SendHistory seen) {
        return table.conditionally(
                table.delete(Schema.sendHistory(rateKey), COND_HISTORY_VERSION, Map.of(":seen", n(seen.version()))));
    }

    // ---- the challenge ----

    boolean putChallenge(SmsChallenge challenge, Optional<ProofSpend> proof, Instant now, List<SecurityEvent> audit) {
        Map<String, AttributeValue> item =
                Schema.expiring(Schema.smsChallenge(challenge.userId()), challenge.expiresAt());
        item.put("challengeId", s(challenge.challengeId()));
        item.put("purpose", s(challenge.purpose().name()));
        item.put("codeHash", b(challenge.codeHash()));
        item.put("smsMasked", s(challenge.maskedPhone()));
        item.put("checks", n(challenge.checks()));
        if (challenge.phoneCiphertext() != null) {
            item.put("smsPhone", b(challenge.phoneCiphertext()));
        }
        item.put("steppedUp", bool(challenge.steppedUp()));
        if (proof.isEmpty() && audit.isEmpty()) {
            // Unconditional: a new send replaces the previous code (only the latest is valid).
            table.write(table.put(item));
            return true;
        }
        List<TransactWriteItem> writes = new ArrayList<>();
        proof.ifPresent(spend -> {
            writes.add(proofs.accountUpdate(
                    challenge.userId(),
                    "SET " + ProofItems.set(spend) + " REMOVE lastFailureAt",
                    List.of(COND_SMS_NOT_ENABLED),
                    spend,
                    Map.of()));
            writes.add(proofs.item(challenge.userId(), spend, now));
        });
        writes.add(table.put(item));
        return table.transactAudited(writes, audit);
    }

    Optional<SmsChallenge> findChallenge(String userId, Instant now) {
        return table.get(Schema.smsChallenge(userId))
                .map(item -> new SmsChallenge(
                        userId,
                        str(item, "challengeId"),
                        SmsPurpose.valueOf(str(item, "purpose")),
                        Schema.bytes(item, "codeHash"),
                        Schema.bytes(item, "smsPhone"),
                        str(item, "smsMasked"),
                        (int) Schema.num(item, "checks"),
                        Schema.expiresAt(item),
                        Schema.isTrue(item, "steppedUp")))
                .filter(challenge -> !challenge.isExpired(now));
    }

    boolean reserveCheck(String userId, String challengeId, int maxChecks, Instant now) {
        return table.conditionally(table.update(
                Schema.smsChallenge(userId),
                "ADD checks :one",
                COND_CHECK_LEFT,
                Map.of(":one", n(1), ":cid", s(challengeId), ":max", n(maxChecks), ":now", epochSeconds(now))));
    }

    // ---- the factor ----

    boolean enable(SmsChallenge challenge, SmsFactor factor, String email, int seenFailures) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":phone", b(factor.phoneCiphertext()));
        values.put(":masked", s(factor.maskedPhone()));
        values.put(":at", millis(factor.enabledAt()));
        values.put(":seen", n(seenFailures));
        String update =
                AccountItems.withEmail("SET smsPhone = :phone, smsMasked = :masked, smsEnabledAt = :at", email, values);
        // Sent without step-up (the account had no factor): the app turned on since must not be bypassed.
        String condition = challenge.steppedUp()
                ? and(COND_SMS_NOT_ENABLED, COND_NO_NEW_FAILURES)
                : and(COND_SMS_NOT_ENABLED, COND_TOTP_NOT_ENABLED, COND_WEBAUTHN_NOT_ENABLED, COND_NO_NEW_FAILURES);
        return table.transact(consumeChallengeAnd(challenge, update, condition, values));
    }

    boolean consumeLogin(SmsChallenge challenge, int seenFailures, List<SecurityEvent> audit) {
        return table.transactAudited(
                consumeChallengeAnd(
                        challenge,
                        RESET_FAILURES,
                        and(COND_SMS_ENABLED, COND_NO_NEW_FAILURES),
                        Map.of(":zero", n(0), ":seen", n(seenFailures))),
                audit);
    }

    boolean disable(SmsChallenge challenge, boolean keepAnotherFactor, int seenFailures) {
        return table.transact(consumeChallengeAnd(
                challenge,
                "SET failures = :zero REMOVE lastFailureAt, smsPhone, smsMasked, smsEnabledAt",
                keepAnotherFactor
                        ? and(COND_SMS_ENABLED, COND_FACTOR_BESIDES_SMS, COND_NO_NEW_FAILURES)
                        : and(COND_SMS_ENABLED, COND_NO_NEW_FAILURES),
                Map.of(":zero", n(0), ":seen", n(seenFailures))));
    }

    /** Removal with another proof than an SMS code: the proof spent, the factor and any challenge gone. */
    boolean remove(String userId, boolean keepAnotherFactor, ProofSpend proof, Instant now, List<SecurityEvent> audit) {
        List<String> conditions = new ArrayList<>(List.of(COND_SMS_ENABLED));
        if (keepAnotherFactor) {
            conditions.add(COND_FACTOR_BESIDES_SMS);
        }
        return table.transactAudited(
                List.of(
                        proofs.accountUpdate(
                                userId,
                                "SET " + ProofItems.set(proof)
                                        + " REMOVE lastFailureAt, smsPhone, smsMasked, smsEnabledAt",
                                conditions,
                                proof,
                                Map.of()),
                        proofs.item(userId, proof, now),
                        table.delete(Schema.smsChallenge(userId))),
                audit);
    }

    /** Single use: the challenge is deleted in the same transaction that acts on the account. */
    private List<TransactWriteItem> consumeChallengeAnd(
            SmsChallenge challenge, String accountUpdate, String accountCondition, Map<String, AttributeValue> values) {
        return List.of(
                table.delete(
                        Schema.smsChallenge(challenge.userId()),
                        COND_SAME_CHALLENGE,
                        Map.of(":cid", s(challenge.challengeId()))),
                table.update(Schema.account(challenge.userId()), accountUpdate, accountCondition, values));
    }

    // ---- the hourly budgets, in shards ----

    boolean takeBudget(String shardKey, int cap, Instant expiresAt) {
        return table.conditionally(table.update(
                Schema.budgetShard(shardKey),
                "ADD sends :one SET expiresAt = :until",
                COND_BUDGET_SHARD_HAS_ROOM,
                Map.of(":one", n(1), ":cap", n(cap), ":until", epochSeconds(expiresAt))));
    }

    void returnBudget(String shardKey) {
        table.conditionally(table.update(
                Schema.budgetShard(shardKey),
                "ADD sends :minusOne",
                COND_BUDGET_SHARD_SPENT,
                Map.of(":minusOne", n(-1), ":zero", n(0))));
    }
}
