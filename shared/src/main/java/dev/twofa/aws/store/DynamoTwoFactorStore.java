package dev.twofa.aws.store;

import dev.twofa.app.SecurityEvent;
import dev.twofa.aws.AwsErrors;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.account.OrgPolicy;
import dev.twofa.domain.account.SmsChallenge;
import dev.twofa.domain.account.SmsFactor;
import dev.twofa.domain.account.TotpFactor;
import dev.twofa.domain.enrollment.ActivationGrant;
import dev.twofa.domain.enrollment.EnrollmentStage;
import dev.twofa.domain.enrollment.PendingEnrollment;
import dev.twofa.domain.lockout.AttemptWindow;
import dev.twofa.domain.sms.SmsPurpose;
import dev.twofa.port.DependencyException;
import dev.twofa.port.ProofSpend;
import dev.twofa.port.TwoFactorStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Every DynamoDB call of the service. One table, keys {@code pk}/{@code sk}:
 *
 * <pre>
 * USER#id       ACCOUNT            factor, last accepted step, failure count, recovery salt
 * USER#id       TOTP#PENDING       enrollment in progress (expires)
 * USER#id       TOTP#STEP#n        a used time step: the replay record (expires)
 * USER#id       ASSERTION#jti      a sign-in assertion spent as a step-up proof (expires with it)
 * USER#id       NOTICE#kind        a rate-limited notice was sent (expires after the period)
 * USER#id       RECOVERY#hash      one unused recovery code
 * USER#id       SMS#CHALLENGE      the latest SMS code's keyed hash, purpose, checks left (expires)
 * ACTIVATION#h  GRANT              an activation link's grant, under the token's hash (expires)
 * ORG#id        POLICY             an organisation's "2FA required" rule
 * AUDIT#id      <millis>#<rand>    one audit event (DynamoAuditTrail; expires after retention), put
 *                                  alone or in the transaction of the change it records
 * SMSRATE#k     HISTORY            recent SMS send times for a user or a number's keyed hash (expires)
 * </pre>
 *
 * Items that expire carry {@code expiresAt} in epoch seconds, the table's TTL attribute. TTL
 * deletes lazily, so every read and condition treats {@code expiresAt <= now} as absent.
 */
public final class DynamoTwoFactorStore implements TwoFactorStore {
    static final String DEPENDENCY = "DynamoDB";

    /** A new grant or recovery code never overwrites an existing item. */
    public static final String COND_NEW_ITEM = "attribute_not_exists(pk)";
    /** Starting over is refused if the factor was enabled meanwhile. */
    public static final String COND_TOTP_NOT_ENABLED = "attribute_not_exists(totpEnabledAt)";
    /** Single use, bound to its user, not past its expiry even if TTL has not deleted it. */
    public static final String COND_GRANT_USABLE = "attribute_exists(pk) AND userId = :uid AND expiresAt > :now";
    /** The grant's enrollment is still the pending one and still waits for activation. */
    public static final String COND_ENROLLMENT_AT_STAGE = "enrollmentId = :eid AND stage = :stage AND expiresAt > :now";
    /**
     * Replay record: absent, or expired but not yet deleted by TTL (an expired record must not
     * block, and a live one must: Craft CMS CVE-2024-41800 accepted a TOTP twice).
     */
    public static final String COND_STEP_UNUSED = "attribute_not_exists(pk) OR expiresAt < :now";
    /**
     * A failed attempt is counted only within the lockout's budget (NIST SP 800-63B §5.2.2): fewer
     * than the free failures are counted, or nothing was counted since the read, the hard limit is not
     * reached and the wait after the last failure is over. Each win changes the count the others
     * condition on, so parallel guesses cannot share one read (Keycloak CVE-2024-1722, "AuthQuake").
     */
    public static final String COND_ATTEMPT_ALLOWED = "attribute_not_exists(failures) OR failures < :free"
            + " OR (failures = :seen AND failures < :hard AND lastFailureAt <= :latest)";
    /**
     * A success counts only if no failure was counted since the account was read: a correct code
     * hidden in a burst of guesses is refused once the guesses used up the attempts.
     */
    public static final String COND_NO_NEW_FAILURES = "attribute_not_exists(failures) OR failures <= :seen";
    /** RFC 6238 §5.2: the matched step must be above the last accepted one. */
    public static final String COND_STEP_ADVANCES = "attribute_exists(totpEnabledAt) AND totpLastStep < :step";
    /** A recovery code exists until its single use deletes it. */
    public static final String COND_RECOVERY_CODE_UNUSED = "attribute_exists(pk)";
    /** Factor operations need the factor. */
    public static final String COND_TOTP_ENABLED = "attribute_exists(totpEnabledAt)";

    /** Optimistic lock on a send history: nobody wrote it since it was read. */
    public static final String COND_HISTORY_UNCHANGED = "attribute_not_exists(pk) OR version = :seen";
    /** A refund removes the history only if nobody spent since. */
    public static final String COND_HISTORY_VERSION = "version = :seen";
    /** Removes a failed send's challenge, not a newer one. */
    public static final String COND_SAME_CHALLENGE = "challengeId = :cid";
    /** A check is spent before the code is compared: at most maxChecks, only while valid. */
    public static final String COND_CHECK_LEFT = "challengeId = :cid AND checks < :max AND expiresAt > :now";
    /** The SMS factor is not on yet (enable) / is on (login, disable). */
    public static final String COND_SMS_NOT_ENABLED = "attribute_not_exists(smsEnabledAt)";

    public static final String COND_SMS_ENABLED = "attribute_exists(smsEnabledAt)";
    /** A support reset acts on an existing account only (never creates one for a mistyped id). */
    public static final String COND_ACCOUNT_EXISTS = "attribute_exists(pk)";
    /** A spent assertion or a sent notice: absent, or expired but not yet deleted by TTL. */
    public static final String COND_ABSENT_OR_EXPIRED = "attribute_not_exists(pk) OR expiresAt < :now";

    private static final int TRANSACTION_ATTEMPTS = 4;

    private final DynamoDbClient dynamo;
    private final String table;
    private final DynamoAuditTrail audit;

    /** @param audit builds the audit items a transaction appends with the change they record */
    public DynamoTwoFactorStore(DynamoDbClient dynamo, String table, DynamoAuditTrail audit) {
        this.dynamo = dynamo;
        this.table = table;
        this.audit = audit;
    }

    @Override
    public Optional<Account> findAccount(String userId) {
        Map<String, AttributeValue> item = get(userKey(userId), "ACCOUNT");
        if (item == null) {
            return Optional.empty();
        }
        TotpFactor totp = item.containsKey("totpEnabledAt")
                ? new TotpFactor(
                        item.get("totpSecret").b().asByteArray(),
                        Long.parseLong(item.get("totpLastStep").n()),
                        Instant.ofEpochMilli(
                                Long.parseLong(item.get("totpEnabledAt").n())))
                : null;
        SmsFactor sms = item.containsKey("smsEnabledAt")
                ? new SmsFactor(
                        item.get("smsPhone").b().asByteArray(),
                        str(item, "smsMasked"),
                        Instant.ofEpochMilli(
                                Long.parseLong(item.get("smsEnabledAt").n())))
                : null;
        return Optional.of(new Account(
                userId,
                str(item, "email"),
                totp,
                sms,
                item.containsKey("failures")
                        ? Integer.parseInt(item.get("failures").n())
                        : 0,
                item.containsKey("lastFailureAt")
                        ? Instant.ofEpochMilli(
                                Long.parseLong(item.get("lastFailureAt").n()))
                        : null,
                item.containsKey("recoverySalt") ? item.get("recoverySalt").b().asByteArray() : null));
    }

    @Override
    public OptionalInt countFailure(String userId, AttemptWindow window) {
        try {
            var response = dynamo.updateItem(u -> u.tableName(table)
                    .key(key(userKey(userId), "ACCOUNT"))
                    .updateExpression("ADD failures :one SET lastFailureAt = :at")
                    .conditionExpression(COND_ATTEMPT_ALLOWED)
                    .expressionAttributeValues(Map.of(
                            ":one", num(1),
                            ":at", num(window.at().toEpochMilli()),
                            ":free", num(window.freeFailures()),
                            ":seen", num(window.seenFailures()),
                            ":hard", num(window.hardLimit()),
                            ":latest", num(window.latestFailureAllowed().toEpochMilli())))
                    .returnValues(ReturnValue.UPDATED_NEW));
            return OptionalInt.of(
                    Integer.parseInt(response.attributes().get("failures").n()));
        } catch (ConditionalCheckFailedException e) {
            return OptionalInt.empty();
        } catch (SdkException e) {
            throw AwsErrors.translate(DEPENDENCY, e);
        }
    }

    @Override
    public boolean startEnrollment(
            PendingEnrollment pending,
            ActivationGrant grant,
            Optional<ProofSpend> proof,
            Instant now,
            List<SecurityEvent> audit) {
        Map<String, AttributeValue> pendingItem = new HashMap<>(key(userKey(pending.userId()), "TOTP#PENDING"));
        pendingItem.put("enrollmentId", str(pending.enrollmentId()));
        pendingItem.put("stage", str(pending.stage().name()));
        pendingItem.put("expiresAt", epochSeconds(pending.expiresAt()));
        if (pending.email() != null) {
            pendingItem.put("email", str(pending.email()));
        }
        pendingItem.put("steppedUp", AttributeValue.fromBool(pending.steppedUp()));
        Map<String, AttributeValue> grantItem = new HashMap<>(key(grantKey(grant.tokenHash()), "GRANT"));
        grantItem.put("userId", str(grant.userId()));
        grantItem.put("enrollmentId", str(grant.enrollmentId()));
        grantItem.put("expiresAt", epochSeconds(grant.expiresAt()));

        String user = userKey(pending.userId());
        List<TransactWriteItem> writes = new ArrayList<>();
        if (proof.isPresent()) {
            // The step-up proof is spent with the enrollment it allows (commit last).
            writes.add(accountUpdate(
                    user,
                    "SET " + proofSet(proof.get()) + " REMOVE lastFailureAt",
                    List.of(COND_TOTP_NOT_ENABLED),
                    proof.get(),
                    Map.of()));
            writes.add(proofItem(pending.userId(), proof.get(), now));
        } else {
            writes.add(TransactWriteItem.builder()
                    .conditionCheck(c ->
                            c.tableName(table).key(key(user, "ACCOUNT")).conditionExpression(COND_TOTP_NOT_ENABLED))
                    .build());
        }
        // Replaces any pending enrollment: links sent for it stop working (their grants
        // name the old enrollmentId, which no longer matches).
        writes.add(TransactWriteItem.builder()
                .put(p -> p.tableName(table).item(pendingItem))
                .build());
        writes.add(TransactWriteItem.builder()
                .put(p -> p.tableName(table).item(grantItem).conditionExpression(COND_NEW_ITEM))
                .build());
        return transactAudited(writes, audit);
    }

    @Override
    public Optional<ActivationGrant> findActivationGrant(String tokenHash, Instant now) {
        Map<String, AttributeValue> item = get(grantKey(tokenHash), "GRANT");
        if (item == null) {
            return Optional.empty();
        }
        ActivationGrant grant = new ActivationGrant(
                tokenHash,
                str(item, "userId"),
                str(item, "enrollmentId"),
                Instant.ofEpochSecond(Long.parseLong(item.get("expiresAt").n())));
        return grant.isExpired(now) ? Optional.empty() : Optional.of(grant);
    }

    @Override
    public boolean activate(ActivationGrant grant, byte[] secretCiphertext, Instant now, Instant confirmBy) {
        return transact(List.of(
                TransactWriteItem.builder()
                        .delete(d -> d.tableName(table)
                                .key(key(grantKey(grant.tokenHash()), "GRANT"))
                                .conditionExpression(COND_GRANT_USABLE)
                                .expressionAttributeValues(
                                        Map.of(":uid", str(grant.userId()), ":now", epochSeconds(now))))
                        .build(),
                TransactWriteItem.builder()
                        .update(u -> u.tableName(table)
                                .key(key(userKey(grant.userId()), "TOTP#PENDING"))
                                .updateExpression("SET stage = :next, totpSecret = :secret, expiresAt = :until")
                                .conditionExpression(COND_ENROLLMENT_AT_STAGE)
                                .expressionAttributeValues(Map.of(
                                        ":eid", str(grant.enrollmentId()),
                                        ":stage", str(EnrollmentStage.AWAITING_ACTIVATION.name()),
                                        ":now", epochSeconds(now),
                                        ":next", str(EnrollmentStage.AWAITING_CONFIRMATION.name()),
                                        ":secret", bytes(secretCiphertext),
                                        ":until", epochSeconds(confirmBy))))
                        .build()));
    }

    @Override
    public Optional<PendingEnrollment> findPendingEnrollment(String userId, Instant now) {
        Map<String, AttributeValue> item = get(userKey(userId), "TOTP#PENDING");
        if (item == null) {
            return Optional.empty();
        }
        PendingEnrollment pending = new PendingEnrollment(
                userId,
                str(item, "enrollmentId"),
                EnrollmentStage.valueOf(str(item, "stage")),
                str(item, "email"),
                item.containsKey("totpSecret") ? item.get("totpSecret").b().asByteArray() : null,
                Instant.ofEpochSecond(Long.parseLong(item.get("expiresAt").n())),
                bool(item, "steppedUp"));
        return pending.isExpired(now) ? Optional.empty() : Optional.of(pending);
    }

    @Override
    public boolean enableTotp(
            PendingEnrollment pending,
            TotpFactor factor,
            Instant stepRecordExpiresAt,
            byte[] recoverySalt,
            List<String> recoveryCodeHashes,
            int seenFailures,
            Instant now) {
        String user = userKey(pending.userId());
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder()
                .delete(d -> d.tableName(table)
                        .key(key(user, "TOTP#PENDING"))
                        .conditionExpression(COND_ENROLLMENT_AT_STAGE)
                        .expressionAttributeValues(Map.of(
                                ":eid", str(pending.enrollmentId()),
                                ":stage", str(EnrollmentStage.AWAITING_CONFIRMATION.name()),
                                ":now", epochSeconds(now))))
                .build());
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":secret", bytes(factor.secretCiphertext()));
        values.put(":step", num(factor.lastStep()));
        values.put(":at", num(factor.enabledAt().toEpochMilli()));
        values.put(":salt", bytes(recoverySalt));
        values.put(":seen", num(seenFailures));
        String set = "SET totpSecret = :secret, totpLastStep = :step, totpEnabledAt = :at, recoverySalt = :salt";
        if (pending.email() != null) {
            values.put(":email", str(pending.email()));
            set += ", email = :email";
        }
        String update = set;
        // Started without step-up (the account had no factor): SMS turned on since must not be bypassed.
        String condition = pending.steppedUp()
                ? and(COND_TOTP_NOT_ENABLED, COND_NO_NEW_FAILURES)
                : and(COND_TOTP_NOT_ENABLED, COND_SMS_NOT_ENABLED, COND_NO_NEW_FAILURES);
        writes.add(TransactWriteItem.builder()
                .update(u -> u.tableName(table)
                        .key(key(user, "ACCOUNT"))
                        .updateExpression(update)
                        .conditionExpression(condition)
                        .expressionAttributeValues(values))
                .build());
        writes.add(TransactWriteItem.builder()
                .put(p -> p.tableName(table)
                        .item(stepItem(pending.userId(), factor.lastStep(), stepRecordExpiresAt))
                        .conditionExpression(COND_STEP_UNUSED)
                        .expressionAttributeValues(Map.of(":now", epochSeconds(now))))
                .build());
        writes.addAll(putRecoveryCodes(user, recoveryCodeHashes, now));
        return transact(writes);
    }

    @Override
    public boolean acceptTotpStep(
            String userId,
            long step,
            Instant recordExpiresAt,
            int seenFailures,
            Instant now,
            List<SecurityEvent> audit) {
        // RFC 6238 §5.2 / CVE-2024-41800: of two requests with one code, only one writes the step.
        return transactAudited(
                List.of(
                        TransactWriteItem.builder()
                                .put(p -> p.tableName(table)
                                        .item(stepItem(userId, step, recordExpiresAt))
                                        .conditionExpression(COND_STEP_UNUSED)
                                        .expressionAttributeValues(Map.of(":now", epochSeconds(now))))
                                .build(),
                        TransactWriteItem.builder()
                                .update(u -> u.tableName(table)
                                        .key(key(userKey(userId), "ACCOUNT"))
                                        .updateExpression(
                                                "SET totpLastStep = :step, failures = :zero REMOVE lastFailureAt")
                                        .conditionExpression(and(COND_STEP_ADVANCES, COND_NO_NEW_FAILURES))
                                        .expressionAttributeValues(Map.of(
                                                ":step", num(step), ":zero", num(0), ":seen", num(seenFailures))))
                                .build()),
                audit);
    }

    @Override
    public List<String> recoveryCodeHashes(String userId) {
        return recoveryCodeKeys(userId, Select.ALL_PROJECTED_ATTRIBUTES).items().stream()
                .map(item -> item.get("sk").s().substring("RECOVERY#".length()))
                .toList();
    }

    @Override
    public boolean consumeRecoveryCode(String userId, String codeHash, int seenFailures, List<SecurityEvent> audit) {
        String user = userKey(userId);
        return transactAudited(
                List.of(
                        TransactWriteItem.builder()
                                .delete(d -> d.tableName(table)
                                        .key(key(user, "RECOVERY#" + codeHash))
                                        .conditionExpression(COND_RECOVERY_CODE_UNUSED))
                                .build(),
                        TransactWriteItem.builder()
                                .update(u -> u.tableName(table)
                                        .key(key(user, "ACCOUNT"))
                                        .updateExpression(RESET_FAILURES)
                                        .conditionExpression(and(COND_TOTP_ENABLED, COND_NO_NEW_FAILURES))
                                        .expressionAttributeValues(Map.of(":zero", num(0), ":seen", num(seenFailures))))
                                .build()),
                audit);
    }

    @Override
    public boolean assertionSpent(String userId, String jti, Instant now) {
        Map<String, AttributeValue> item = get(userKey(userId), "ASSERTION#" + jti);
        // A record past its expiry is absent, as the spending write's condition reads it.
        return item != null && Long.parseLong(item.get("expiresAt").n()) >= now.getEpochSecond();
    }

    @Override
    public boolean spendAssertion(String userId, String jti, Instant expiresAt, int seenFailures, Instant now) {
        String user = userKey(userId);
        Map<String, AttributeValue> spent = new HashMap<>(key(user, "ASSERTION#" + jti));
        spent.put("expiresAt", epochSeconds(expiresAt));
        return transact(List.of(
                TransactWriteItem.builder()
                        .put(p -> p.tableName(table)
                                .item(spent)
                                .conditionExpression(COND_ABSENT_OR_EXPIRED)
                                .expressionAttributeValues(Map.of(":now", epochSeconds(now))))
                        .build(),
                TransactWriteItem.builder()
                        .update(u -> u.tableName(table)
                                .key(key(user, "ACCOUNT"))
                                .updateExpression(RESET_FAILURES)
                                .conditionExpression(COND_NO_NEW_FAILURES)
                                .expressionAttributeValues(Map.of(":zero", num(0), ":seen", num(seenFailures))))
                        .build()));
    }

    @Override
    public boolean claimNotice(String userId, String kind, Instant until, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(key(userKey(userId), "NOTICE#" + kind));
        item.put("expiresAt", epochSeconds(until));
        return conditionally(() -> dynamo.putItem(p -> p.tableName(table)
                .item(item)
                .conditionExpression(COND_ABSENT_OR_EXPIRED)
                .expressionAttributeValues(Map.of(":now", epochSeconds(now)))));
    }

    @Override
    public int countRecoveryCodes(String userId) {
        return recoveryCodeKeys(userId, Select.COUNT).count();
    }

    @Override
    public boolean disableTotp(
            String userId, boolean keepAnotherFactor, ProofSpend proof, Instant now, List<SecurityEvent> audit) {
        String user = userKey(userId);
        List<String> conditions = new ArrayList<>(List.of(COND_TOTP_ENABLED));
        if (keepAnotherFactor) {
            conditions.add(COND_SMS_ENABLED);
        }
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(accountUpdate(
                user,
                "SET failures = :zero REMOVE lastFailureAt, totpSecret, totpLastStep, totpEnabledAt, recoverySalt",
                conditions,
                proof,
                Map.of()));
        writes.add(proofItem(userId, proof, now));
        writes.add(TransactWriteItem.builder()
                .delete(d -> d.tableName(table).key(key(user, "TOTP#PENDING")))
                .build());
        writes.addAll(deleteRecoveryCodes(userId, proof));
        return transactAudited(writes, audit);
    }

    @Override
    public boolean replaceRecoveryCodes(
            String userId,
            byte[] recoverySalt,
            List<String> recoveryCodeHashes,
            ProofSpend proof,
            Instant now,
            List<SecurityEvent> audit) {
        String user = userKey(userId);
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(accountUpdate(
                user,
                "SET recoverySalt = :salt, " + proofSet(proof) + " REMOVE lastFailureAt",
                List.of(COND_TOTP_ENABLED),
                proof,
                Map.of(":salt", bytes(recoverySalt))));
        writes.add(proofItem(userId, proof, now));
        writes.addAll(deleteRecoveryCodes(userId, proof));
        writes.addAll(putRecoveryCodes(user, recoveryCodeHashes, now));
        return transactAudited(writes, audit);
    }

    @Override
    public boolean resetAccount(String userId) {
        String user = userKey(userId);
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder()
                .update(u -> u.tableName(table)
                        .key(key(user, "ACCOUNT"))
                        .updateExpression("SET failures = :zero REMOVE totpSecret, totpLastStep, totpEnabledAt,"
                                + " recoverySalt, smsPhone, smsMasked, smsEnabledAt, lastFailureAt")
                        .conditionExpression(COND_ACCOUNT_EXISTS)
                        .expressionAttributeValues(Map.of(":zero", num(0))))
                .build());
        writes.add(TransactWriteItem.builder()
                .delete(d -> d.tableName(table).key(key(user, "TOTP#PENDING")))
                .build());
        writes.add(TransactWriteItem.builder()
                .delete(d -> d.tableName(table).key(key(user, "SMS#CHALLENGE")))
                .build());
        writes.addAll(deleteRecoveryCodes(userId, null));
        return transact(writes);
    }

    @Override
    public Optional<OrgPolicy> findOrgPolicy(String orgId) {
        Map<String, AttributeValue> item = get(orgKey(orgId), "POLICY");
        if (item == null) {
            return Optional.empty();
        }
        return Optional.of(new OrgPolicy(
                orgId,
                item.get("mfaRequired").bool(),
                Instant.ofEpochMilli(Long.parseLong(item.get("updatedAt").n())),
                str(item, "updatedBy"),
                str(item, "reason")));
    }

    @Override
    public void saveOrgPolicy(OrgPolicy policy) {
        Map<String, AttributeValue> item = new HashMap<>(key(orgKey(policy.orgId()), "POLICY"));
        item.put("mfaRequired", AttributeValue.fromBool(policy.mfaRequired()));
        item.put("updatedAt", num(policy.updatedAt().toEpochMilli()));
        item.put("updatedBy", str(policy.updatedBy()));
        if (policy.reason() != null) {
            item.put("reason", str(policy.reason()));
        }
        try {
            dynamo.putItem(p -> p.tableName(table).item(item));
        } catch (SdkException e) {
            throw AwsErrors.translate(DEPENDENCY, e);
        }
    }

    private static String orgKey(String orgId) {
        return "ORG#" + orgId;
    }

    // ---- SMS ----

    @Override
    public SendHistory findSendHistory(String rateKey) {
        Map<String, AttributeValue> item = get(rateKey, "HISTORY");
        if (item == null) {
            return SendHistory.NONE;
        }
        List<Instant> sends = item.get("sends").l().stream()
                .map(v -> Instant.ofEpochSecond(Long.parseLong(v.n())))
                .toList();
        return new SendHistory(sends, Long.parseLong(item.get("version").n()));
    }

    @Override
    public boolean saveSendHistory(String rateKey, SendHistory seen, List<Instant> sends, Instant expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>(key(rateKey, "HISTORY"));
        item.put(
                "sends",
                AttributeValue.fromL(
                        sends.stream().map(t -> num(t.getEpochSecond())).toList()));
        item.put("version", num(seen.version() + 1));
        item.put("expiresAt", epochSeconds(expiresAt));
        return conditionally(() -> dynamo.putItem(p -> p.tableName(table)
                .item(item)
                .conditionExpression(COND_HISTORY_UNCHANGED)
                .expressionAttributeValues(Map.of(":seen", num(seen.version())))));
    }

    @Override
    public boolean deleteSendHistory(String rateKey, SendHistory seen) {
        return conditionally(() -> dynamo.deleteItem(d -> d.tableName(table)
                .key(key(rateKey, "HISTORY"))
                .conditionExpression(COND_HISTORY_VERSION)
                .expressionAttributeValues(Map.of(":seen", num(seen.version())))));
    }

    @Override
    public boolean putSmsChallenge(
            SmsChallenge challenge, Optional<ProofSpend> proof, Instant now, List<SecurityEvent> audit) {
        Map<String, AttributeValue> item = new HashMap<>(key(userKey(challenge.userId()), "SMS#CHALLENGE"));
        item.put("challengeId", str(challenge.challengeId()));
        item.put("purpose", str(challenge.purpose().name()));
        item.put("codeHash", bytes(challenge.codeHash()));
        item.put("smsMasked", str(challenge.maskedPhone()));
        item.put("checks", num(challenge.checks()));
        item.put("expiresAt", epochSeconds(challenge.expiresAt()));
        if (challenge.phoneCiphertext() != null) {
            item.put("smsPhone", bytes(challenge.phoneCiphertext()));
        }
        item.put("steppedUp", AttributeValue.fromBool(challenge.steppedUp()));
        if (proof.isEmpty() && audit.isEmpty()) {
            try {
                // Unconditional: a new send replaces the previous code (only the latest is valid).
                dynamo.putItem(p -> p.tableName(table).item(item));
                return true;
            } catch (SdkException e) {
                throw AwsErrors.translate(DEPENDENCY, e);
            }
        }
        List<TransactWriteItem> writes = new ArrayList<>();
        proof.ifPresent(spend -> {
            String user = userKey(challenge.userId());
            writes.add(accountUpdate(
                    user,
                    "SET " + proofSet(spend) + " REMOVE lastFailureAt",
                    List.of(COND_SMS_NOT_ENABLED),
                    spend,
                    Map.of()));
            writes.add(proofItem(challenge.userId(), spend, now));
        });
        writes.add(TransactWriteItem.builder()
                .put(p -> p.tableName(table).item(item))
                .build());
        return transactAudited(writes, audit);
    }

    @Override
    public Optional<SmsChallenge> findSmsChallenge(String userId, Instant now) {
        Map<String, AttributeValue> item = get(userKey(userId), "SMS#CHALLENGE");
        if (item == null) {
            return Optional.empty();
        }
        SmsChallenge challenge = new SmsChallenge(
                userId,
                str(item, "challengeId"),
                SmsPurpose.valueOf(str(item, "purpose")),
                item.get("codeHash").b().asByteArray(),
                item.containsKey("smsPhone") ? item.get("smsPhone").b().asByteArray() : null,
                str(item, "smsMasked"),
                Integer.parseInt(item.get("checks").n()),
                Instant.ofEpochSecond(Long.parseLong(item.get("expiresAt").n())),
                bool(item, "steppedUp"));
        return challenge.isExpired(now) ? Optional.empty() : Optional.of(challenge);
    }

    @Override
    public boolean reserveSmsCheck(String userId, String challengeId, int maxChecks, Instant now) {
        return conditionally(() -> dynamo.updateItem(u -> u.tableName(table)
                .key(key(userKey(userId), "SMS#CHALLENGE"))
                .updateExpression("ADD checks :one")
                .conditionExpression(COND_CHECK_LEFT)
                .expressionAttributeValues(Map.of(
                        ":one", num(1),
                        ":cid", str(challengeId),
                        ":max", num(maxChecks),
                        ":now", epochSeconds(now)))));
    }

    @Override
    public boolean enableSms(SmsChallenge challenge, SmsFactor factor, String email, int seenFailures) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":phone", bytes(factor.phoneCiphertext()));
        values.put(":masked", str(factor.maskedPhone()));
        values.put(":at", num(factor.enabledAt().toEpochMilli()));
        values.put(":seen", num(seenFailures));
        String update = "SET smsPhone = :phone, smsMasked = :masked, smsEnabledAt = :at";
        if (email != null) {
            values.put(":email", str(email));
            update += ", email = :email";
        }
        // Sent without step-up (the account had no factor): the app turned on since must not be bypassed.
        String condition = challenge.steppedUp()
                ? and(COND_SMS_NOT_ENABLED, COND_NO_NEW_FAILURES)
                : and(COND_SMS_NOT_ENABLED, COND_TOTP_NOT_ENABLED, COND_NO_NEW_FAILURES);
        return transact(consumeChallengeAnd(challenge, update, condition, values));
    }

    @Override
    public boolean consumeSmsLogin(SmsChallenge challenge, int seenFailures, List<SecurityEvent> audit) {
        return transactAudited(
                consumeChallengeAnd(
                        challenge,
                        RESET_FAILURES,
                        and(COND_SMS_ENABLED, COND_NO_NEW_FAILURES),
                        Map.of(":zero", num(0), ":seen", num(seenFailures))),
                audit);
    }

    @Override
    public boolean disableSms(SmsChallenge challenge, boolean keepAnotherFactor, int seenFailures) {
        return transact(consumeChallengeAnd(
                challenge,
                "SET failures = :zero REMOVE lastFailureAt, smsPhone, smsMasked, smsEnabledAt",
                keepAnotherFactor
                        ? and(COND_SMS_ENABLED, COND_TOTP_ENABLED, COND_NO_NEW_FAILURES)
                        : and(COND_SMS_ENABLED, COND_NO_NEW_FAILURES),
                Map.of(":zero", num(0), ":seen", num(seenFailures))));
    }

    @Override
    public boolean removeSms(
            String userId, boolean keepAnotherFactor, ProofSpend proof, Instant now, List<SecurityEvent> audit) {
        String user = userKey(userId);
        List<String> conditions = new ArrayList<>(List.of(COND_SMS_ENABLED));
        if (keepAnotherFactor) {
            conditions.add(COND_TOTP_ENABLED);
        }
        return transactAudited(
                List.of(
                        accountUpdate(
                                user,
                                "SET " + proofSet(proof) + " REMOVE lastFailureAt, smsPhone, smsMasked, smsEnabledAt",
                                conditions,
                                proof,
                                Map.of()),
                        proofItem(userId, proof, now),
                        TransactWriteItem.builder()
                                .delete(d -> d.tableName(table).key(key(user, "SMS#CHALLENGE")))
                                .build()),
                audit);
    }

    // ---- Proofs spent beside a change (commit last) ----

    /**
     * The account item's write for a change that spends {@code proof}: DynamoDB takes one write per
     * item in a transaction, so the proof's own conditions on the account item (its step advances,
     * no failure counted since it was read) join the change's {@code conditions}.
     */
    private TransactWriteItem accountUpdate(
            String user,
            String update,
            List<String> conditions,
            ProofSpend proof,
            Map<String, AttributeValue> changeValues) {
        Set<String> all = new LinkedHashSet<>(conditions);
        all.addAll(proofConditions(proof));
        Map<String, AttributeValue> values = new HashMap<>(changeValues);
        values.put(":zero", num(0));
        values.put(":seen", num(proof.seenFailures()));
        if (proof instanceof ProofSpend.TotpStep totpStep) {
            values.put(":step", num(totpStep.step()));
        }
        return TransactWriteItem.builder()
                .update(u -> u.tableName(table)
                        .key(key(user, "ACCOUNT"))
                        .updateExpression(update)
                        .conditionExpression(and(all.toArray(String[]::new)))
                        .expressionAttributeValues(values))
                .build();
    }

    /** What spending a proof requires of the account item, as {@link #acceptTotpStep} and its peers do. */
    private static List<String> proofConditions(ProofSpend proof) {
        return switch (proof) {
            // RFC 6238 §5.2: the step must be above the last accepted one.
            case ProofSpend.TotpStep s -> List.of(COND_STEP_ADVANCES, COND_NO_NEW_FAILURES);
            case ProofSpend.RecoveryCode r -> List.of(COND_TOTP_ENABLED, COND_NO_NEW_FAILURES);
            case ProofSpend.Assertion a -> List.of(COND_NO_NEW_FAILURES);
        };
    }

    /** The SET clauses of spending a proof while the factor stays: the lockout clears, a step is the last accepted. */
    private static String proofSet(ProofSpend proof) {
        return proof instanceof ProofSpend.TotpStep ? "failures = :zero, totpLastStep = :step" : "failures = :zero";
    }

    /**
     * The proof's own item: the used step's replay record, the recovery code's conditional delete
     * (Keycloak #26106: of two requests with one code, one wins), or the spent assertion's record.
     */
    private TransactWriteItem proofItem(String userId, ProofSpend proof, Instant now) {
        String user = userKey(userId);
        return switch (proof) {
            case ProofSpend.TotpStep s ->
                TransactWriteItem.builder()
                        .put(p -> p.tableName(table)
                                .item(stepItem(userId, s.step(), s.recordExpiresAt()))
                                .conditionExpression(COND_STEP_UNUSED)
                                .expressionAttributeValues(Map.of(":now", epochSeconds(now))))
                        .build();
            case ProofSpend.RecoveryCode r ->
                TransactWriteItem.builder()
                        .delete(d -> d.tableName(table)
                                .key(key(user, "RECOVERY#" + r.codeHash()))
                                .conditionExpression(COND_RECOVERY_CODE_UNUSED))
                        .build();
            case ProofSpend.Assertion a -> {
                Map<String, AttributeValue> spent = new HashMap<>(key(user, "ASSERTION#" + a.jti()));
                spent.put("expiresAt", epochSeconds(a.expiresAt()));
                yield TransactWriteItem.builder()
                        .put(p -> p.tableName(table)
                                .item(spent)
                                .conditionExpression(COND_ABSENT_OR_EXPIRED)
                                .expressionAttributeValues(Map.of(":now", epochSeconds(now))))
                        .build();
            }
        };
    }

    // ---- SMS budgets: account-wide and per-country hourly counters, in shards ----
    // SMSBUDGET#<scope>#<hour>#<shard> / BUDGET: {sends, expiresAt}. The hour is in the key, so a
    // later hour never meets an earlier hour's item, expired or not, and the condition needs no
    // expiry check.

    /**
     * SMS pumping: a shard takes a send only below its cap, in the same atomic write that counts
     * it; a read-then-write would let parallel sends all see room and overspend the budget.
     */
    public static final String COND_BUDGET_SHARD_HAS_ROOM = "attribute_not_exists(sends) OR sends < :cap";
    /** A refund never takes a shard below zero (which would raise its cap for the hour). */
    public static final String COND_BUDGET_SHARD_SPENT = "sends > :zero";

    @Override
    public boolean takeSmsBudget(String shardKey, int cap, Instant expiresAt) {
        return conditionally(() -> dynamo.updateItem(u -> u.tableName(table)
                .key(key(shardKey, "BUDGET"))
                .updateExpression("ADD sends :one SET expiresAt = :until")
                .conditionExpression(COND_BUDGET_SHARD_HAS_ROOM)
                .expressionAttributeValues(
                        Map.of(":one", num(1), ":cap", num(cap), ":until", epochSeconds(expiresAt)))));
    }

    @Override
    public void returnSmsBudget(String shardKey) {
        conditionally(() -> dynamo.updateItem(u -> u.tableName(table)
                .key(key(shardKey, "BUDGET"))
                .updateExpression("ADD sends :minusOne")
                .conditionExpression(COND_BUDGET_SHARD_SPENT)
                .expressionAttributeValues(Map.of(":minusOne", num(-1), ":zero", num(0)))));
    }

    // ---- end of SMS budgets ----

    /** Single use: the challenge is deleted in the same transaction that acts on the account. */
    private List<TransactWriteItem> consumeChallengeAnd(
            SmsChallenge challenge, String accountUpdate, String accountCondition, Map<String, AttributeValue> values) {
        String user = userKey(challenge.userId());
        return List.of(
                TransactWriteItem.builder()
                        .delete(d -> d.tableName(table)
                                .key(key(user, "SMS#CHALLENGE"))
                                .conditionExpression(COND_SAME_CHALLENGE)
                                .expressionAttributeValues(Map.of(":cid", str(challenge.challengeId()))))
                        .build(),
                TransactWriteItem.builder()
                        .update(u -> u.tableName(table)
                                .key(key(user, "ACCOUNT"))
                                .updateExpression(accountUpdate)
                                .conditionExpression(accountCondition)
                                .expressionAttributeValues(values))
                        .build());
    }

    /**
     * Deletes of every recovery code but the one {@code proof} spends (its conditional delete is
     * {@link #proofItem}; one write per item; none when {@code proof} is null): at most 10, well within the 100 items of a transaction.
     */
    private List<TransactWriteItem> deleteRecoveryCodes(String userId, ProofSpend proof) {
        String spent = proof instanceof ProofSpend.RecoveryCode r ? "RECOVERY#" + r.codeHash() : null;
        return recoveryCodeKeys(userId, Select.ALL_PROJECTED_ATTRIBUTES).items().stream()
                .filter(item -> !item.get("sk").s().equals(spent))
                .map(item -> TransactWriteItem.builder()
                        .delete(d -> d.tableName(table).key(Map.of("pk", item.get("pk"), "sk", item.get("sk"))))
                        .build())
                .toList();
    }

    private List<TransactWriteItem> putRecoveryCodes(String user, List<String> hashes, Instant now) {
        return hashes.stream()
                .map(hash -> {
                    Map<String, AttributeValue> item = new HashMap<>(key(user, "RECOVERY#" + hash));
                    item.put("createdAt", num(now.toEpochMilli()));
                    return TransactWriteItem.builder()
                            .put(p -> p.tableName(table).item(item).conditionExpression(COND_NEW_ITEM))
                            .build();
                })
                .toList();
    }

    private QueryResponse recoveryCodeKeys(String userId, Select select) {
        try {
            QueryRequest.Builder query = QueryRequest.builder()
                    .tableName(table)
                    .consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(Map.of(":pk", str(userKey(userId)), ":prefix", str("RECOVERY#")));
            if (select == Select.COUNT) {
                query.select(Select.COUNT);
            } else {
                query.projectionExpression("pk, sk");
            }
            return dynamo.query(query.build());
        } catch (SdkException e) {
            throw AwsErrors.translate(DEPENDENCY, e);
        }
    }

    /**
     * Runs {@code writes} and appends the {@code events} to the audit trail in the same transaction:
     * both or neither. The audit puts go last, so a failed condition among them (a key collision,
     * never a refusal of the change) is told apart from the change's own conditions.
     */
    private boolean transactAudited(List<TransactWriteItem> writes, List<SecurityEvent> events) {
        List<TransactWriteItem> all = new ArrayList<>(writes);
        for (SecurityEvent event : events) {
            all.add(TransactWriteItem.builder().put(audit.appendPut(event)).build());
        }
        return transact(all, writes.size());
    }

    private boolean transact(List<TransactWriteItem> writes) {
        return transact(writes, writes.size());
    }

    /**
     * Runs one transaction. False when a condition of one of the first {@code guarded} writes
     * failed; retried when DynamoDB cancelled it for a conflict with a concurrent transaction, so
     * that of N racing requests one still wins.
     */
    private boolean transact(List<TransactWriteItem> writes, int guarded) {
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.transactWriteItems(t -> t.transactItems(writes));
                return true;
            } catch (TransactionCanceledException e) {
                List<String> reasons = e.cancellationReasons().stream()
                        .map(CancellationReason::code)
                        .toList();
                if (reasons.subList(Math.min(guarded, reasons.size()), reasons.size())
                        .contains("ConditionalCheckFailed")) {
                    throw new IllegalStateException("audit key collision", e);
                }
                if (reasons.contains("ConditionalCheckFailed")) {
                    return false;
                }
                if (reasons.contains("TransactionConflict") && attempt < TRANSACTION_ATTEMPTS) {
                    pause(attempt);
                    continue;
                }
                throw new DependencyException(DEPENDENCY, true, "transaction cancelled: " + reasons, e);
            } catch (SdkException e) {
                throw AwsErrors.translate(DEPENDENCY, e);
            }
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(10L * attempt
                    + java.util.concurrent.ThreadLocalRandom.current().nextInt(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DependencyException(DEPENDENCY, true, "interrupted", e);
        }
    }

    /** One conditional write: false when its condition did not hold. */
    private static boolean conditionally(Runnable write) {
        try {
            write.run();
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw AwsErrors.translate(DEPENDENCY, e);
        }
    }

    private Map<String, AttributeValue> get(String pk, String sk) {
        try {
            var response =
                    dynamo.getItem(g -> g.tableName(table).key(key(pk, sk)).consistentRead(true));
            return response.hasItem() ? response.item() : null;
        } catch (SdkException e) {
            throw AwsErrors.translate(DEPENDENCY, e);
        }
    }

    /** A successful check of an existing factor clears the lockout; nothing else does. */
    private static final String RESET_FAILURES = "SET failures = :zero REMOVE lastFailureAt";

    /** Conditions joined with AND, each in parentheses (their ORs must not bind across). */
    static String and(String... conditions) {
        return java.util.Arrays.stream(conditions)
                .map(c -> "(" + c + ")")
                .collect(java.util.stream.Collectors.joining(" AND "));
    }

    private static boolean bool(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value != null && Boolean.TRUE.equals(value.bool());
    }

    private static Map<String, AttributeValue> stepItem(String userId, long step, Instant expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>(key(userKey(userId), "TOTP#STEP#" + step));
        item.put("expiresAt", epochSeconds(expiresAt));
        return item;
    }

    private static String userKey(String userId) {
        return "USER#" + userId;
    }

    private static String grantKey(String tokenHash) {
        return "ACTIVATION#" + tokenHash;
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", str(pk), "sk", str(sk));
    }

    private static AttributeValue str(String s) {
        return AttributeValue.fromS(s);
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static AttributeValue num(long n) {
        return AttributeValue.fromN(Long.toString(n));
    }

    private static AttributeValue bytes(byte[] b) {
        return AttributeValue.fromB(SdkBytes.fromByteArray(b));
    }

    /** TTL attribute values are epoch seconds (milliseconds would never expire). */
    private static AttributeValue epochSeconds(Instant t) {
        return num(t.getEpochSecond());
    }
}
