package dev.twofa.aws.store;

import static dev.twofa.aws.store.AccountItems.COND_FACTOR_BESIDES_WEBAUTHN;
import static dev.twofa.aws.store.AccountItems.COND_NO_NEW_FAILURES;
import static dev.twofa.aws.store.AccountItems.COND_SMS_NOT_ENABLED;
import static dev.twofa.aws.store.AccountItems.COND_TOTP_NOT_ENABLED;
import static dev.twofa.aws.store.AccountItems.COND_WEBAUTHN_ENABLED;
import static dev.twofa.aws.store.AccountItems.COND_WEBAUTHN_NOT_ENABLED;
import static dev.twofa.aws.store.Schema.b;
import static dev.twofa.aws.store.Schema.bool;
import static dev.twofa.aws.store.Schema.epochSeconds;
import static dev.twofa.aws.store.Schema.millis;
import static dev.twofa.aws.store.Schema.n;
import static dev.twofa.aws.store.Schema.s;
import static dev.twofa.aws.store.Schema.str;
import static dev.twofa.aws.store.Table.and;

import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.domain.webauthn.Ceremony;
import dev.twofa.domain.webauthn.WebAuthnChallenge;
import dev.twofa.domain.webauthn.WebAuthnCredential;
import dev.twofa.port.ProofSpend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Security keys and passkeys ({@code USER#id / WEBAUTHN#nn}, one per slot, so the per-user limit is
 * a conditional put), the one challenge of each ceremony ({@code USER#id / WEBAUTHNCHALLENGE#c},
 * spent by a conditional delete), and the factor's count on the account item ({@code webauthnCount},
 * {@code webauthnEnabledAt} while at least one is registered), changed only under an optimistic lock
 * on the count so the other families' last-factor conditions can read it.
 */
public final class WebAuthnItems {
    /** The challenge answered is the current one of its ceremony, unexpired: of two uses, one deletes it. */
    public static final String COND_CHALLENGE_CURRENT = "challenge = :challenge AND expiresAt >= :now";
    /** A slot is taken once (a removed credential's slot is deleted, never overwritten). */
    public static final String COND_SLOT_FREE = "attribute_not_exists(pk)";
    /** The slot still holds the credential signed with, at the counter read (a clone racing it loses). */
    public static final String COND_SAME_CREDENTIAL_AT_COUNT = "credentialId = :cid AND signCount = :count";
    /** The slot still holds the credential named. */
    public static final String COND_CREDENTIAL_IS = "credentialId = :cid";
    /** Nobody registered or removed a credential since the count was read. */
    public static final String COND_COUNT_IS = "webauthnCount = :seenCount";

    private final Table table;
    private final ProofItems proofs;

    WebAuthnItems(Table table, ProofItems proofs) {
        this.table = table;
        this.proofs = proofs;
    }

    List<WebAuthnCredential> credentials(String userId) {
        return table
                .query(query -> query.consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                        .expressionAttributeValues(
                                Map.of(":pk", s(Schema.user(userId)), ":prefix", s(Schema.WEBAUTHN_PREFIX))))
                .items()
                .stream()
                .map(WebAuthnItems::credential)
                .toList();
    }

    boolean putChallenge(
            WebAuthnChallenge challenge, Optional<ProofSpend> proof, Instant now, List<SecurityEvent> audit) {
        Map<String, AttributeValue> item = Schema.expiring(
                Schema.webauthnChallenge(challenge.userId(), challenge.ceremony()), challenge.expiresAt());
        item.put("challenge", s(challenge.value()));
        item.put("steppedUp", bool(challenge.steppedUp()));
        if (proof.isEmpty() && audit.isEmpty()) {
            // Unconditional: new options replace the last ones (only the latest challenge is valid).
            table.write(table.put(item));
            return true;
        }
        List<TransactWriteItem> writes = new ArrayList<>();
        proof.ifPresent(spend -> {
            writes.add(proofs.accountUpdate(
                    challenge.userId(),
                    "SET " + ProofItems.set(spend) + " REMOVE lastFailureAt",
                    List.of(),
                    spend,
                    Map.of()));
            writes.add(proofs.item(challenge.userId(), spend, now));
        });
        writes.add(table.put(item));
        return table.transactAudited(writes, audit);
    }

    Optional<WebAuthnChallenge> findChallenge(String userId, Ceremony ceremony, Instant now) {
        return table.get(Schema.webauthnChallenge(userId, ceremony))
                .map(item -> new WebAuthnChallenge(
                        userId,
                        ceremony,
                        str(item, "challenge"),
                        Schema.isTrue(item, "steppedUp"),
                        Schema.expiresAt(item)))
                .filter(challenge -> !challenge.expiresAt().isBefore(now));
    }

    boolean register(
            WebAuthnChallenge challenge,
            WebAuthnCredential credential,
            int seenCount,
            Instant now,
            List<SecurityEvent> audit) {
        String userId = challenge.userId();
        Map<String, AttributeValue> item = Schema.item(Schema.webauthnCredential(userId, credential.slot()));
        item.put("credentialId", b(credential.credentialId()));
        item.put("publicKey", b(credential.publicKey()));
        item.put("signCount", n(credential.signCount()));
        item.put("aaguid", b(credential.aaguid()));
        item.put("backupEligible", bool(credential.backupEligible()));
        item.put("backupState", bool(credential.backupState()));
        item.put("userVerified", bool(credential.userVerified()));
        item.put("displayName", s(credential.name()));
        item.put("createdAt", millis(credential.createdAt()));
        if (!credential.transports().isEmpty()) {
            item.put("transports", s(String.join(",", credential.transports())));
        }
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> conditions = new ArrayList<>();
        String update;
        if (seenCount == 0) {
            update = "SET webauthnCount = :one, webauthnEnabledAt = :at";
            values.put(":one", n(1));
            values.put(":at", millis(now));
            conditions.add(COND_WEBAUTHN_NOT_ENABLED);
        } else {
            update = "SET webauthnCount = :newCount";
            values.put(":newCount", n(seenCount + 1));
            values.put(":seenCount", n(seenCount));
            conditions.add(and(COND_WEBAUTHN_ENABLED, COND_COUNT_IS));
        }
        if (!challenge.steppedUp()) {
            // Options asked for without step-up (the account had no factor): a factor turned on since
            // must not be bypassed.
            conditions.add(COND_TOTP_NOT_ENABLED);
            conditions.add(COND_SMS_NOT_ENABLED);
            conditions.add(COND_WEBAUTHN_NOT_ENABLED);
        }
        return table.transactAudited(
                List.of(
                        consumeChallenge(challenge, now),
                        table.put(item, COND_SLOT_FREE),
                        table.update(Schema.account(userId), update, and(conditions.toArray(String[]::new)), values)),
                audit);
    }

    boolean use(
            WebAuthnChallenge challenge,
            WebAuthnCredential credential,
            long newSignCount,
            boolean backupState,
            int seenFailures,
            Instant now,
            List<SecurityEvent> audit) {
        String userId = challenge.userId();
        return table.transactAudited(
                List.of(
                        consumeChallenge(challenge, now),
                        table.update(
                                Schema.webauthnCredential(userId, credential.slot()),
                                "SET signCount = :newCount, backupState = :bs, lastUsedAt = :at",
                                COND_SAME_CREDENTIAL_AT_COUNT,
                                Map.of(
                                        ":cid", b(credential.credentialId()),
                                        ":count", n(credential.signCount()),
                                        ":newCount", n(newSignCount),
                                        ":bs", bool(backupState),
                                        ":at", millis(now))),
                        table.update(
                                Schema.account(userId),
                                AccountItems.RESET_FAILURES,
                                and(COND_WEBAUTHN_ENABLED, COND_NO_NEW_FAILURES),
                                Map.of(":zero", n(0), ":seen", n(seenFailures)))),
                audit);
    }

    boolean rename(String userId, WebAuthnCredential credential, String name, List<SecurityEvent> audit) {
        return table.transactAudited(
                List.of(table.update(
                        Schema.webauthnCredential(userId, credential.slot()),
                        "SET displayName = :name",
                        COND_CREDENTIAL_IS,
                        Map.of(":cid", b(credential.credentialId()), ":name", s(name)))),
                audit);
    }

    boolean remove(
            String userId,
            WebAuthnCredential credential,
            int seenCount,
            boolean keepAnotherFactor,
            ProofSpend proof,
            Instant now,
            List<SecurityEvent> audit) {
        List<String> conditions = new ArrayList<>(List.of(COND_WEBAUTHN_ENABLED, COND_COUNT_IS));
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":seenCount", n(seenCount));
        String update;
        if (seenCount <= 1) {
            update = "SET " + ProofItems.set(proof) + " REMOVE lastFailureAt, webauthnCount, webauthnEnabledAt";
            if (keepAnotherFactor) {
                conditions.add(COND_FACTOR_BESIDES_WEBAUTHN);
            }
        } else {
            update = "SET " + ProofItems.set(proof) + ", webauthnCount = :newCount REMOVE lastFailureAt";
            values.put(":newCount", n(seenCount - 1));
        }
        return table.transactAudited(
                List.of(
                        proofs.accountUpdate(userId, update, conditions, proof, values),
                        proofs.item(userId, proof, now),
                        table.delete(
                                Schema.webauthnCredential(userId, credential.slot()),
                                COND_CREDENTIAL_IS,
                                Map.of(":cid", b(credential.credentialId())))),
                audit);
    }

    private TransactWriteItem consumeChallenge(WebAuthnChallenge challenge, Instant now) {
        return table.delete(
                Schema.webauthnChallenge(challenge.userId(), challenge.ceremony()),
                COND_CHALLENGE_CURRENT,
                Map.of(":challenge", s(challenge.value()), ":now", epochSeconds(now)));
    }

    private static WebAuthnCredential credential(Map<String, AttributeValue> item) {
        String transports = str(item, "transports");
        String sk = str(item, Schema.SK);
        return new WebAuthnCredential(
                Integer.parseInt(sk.substring(Schema.WEBAUTHN_PREFIX.length())),
                Schema.bytes(item, "credentialId"),
                Schema.bytes(item, "publicKey"),
                Schema.num(item, "signCount"),
                transports == null ? List.of() : Arrays.asList(transports.split(",")),
                Schema.bytes(item, "aaguid"),
                Schema.isTrue(item, "backupEligible"),
                Schema.isTrue(item, "backupState"),
                Schema.isTrue(item, "userVerified"),
                str(item, "displayName"),
                millis(item, "createdAt"),
                millis(item, "lastUsedAt"));
    }
}
