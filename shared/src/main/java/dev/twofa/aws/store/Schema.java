package dev.twofa.aws.store;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The table's schema in one place: the key attributes, the TTL attribute, every item's key, and the
 * codecs between Java values and attribute values. One table, string keys {@code pk}/{@code sk}, each
 * item family read and written by one class:
 *
 * <pre>
 * pk            sk                item                                                              class
 * USER#id       ACCOUNT           the factors, last accepted step, failure count, recovery salt     AccountItems
 * USER#id       NOTICE#kind       a rate-limited notice was sent (expires after the period)         AccountItems
 * USER#id       TOTP#PENDING      the enrollment in progress (expires)                              TotpItems
 * ACTIVATION#h  GRANT             an activation link's grant, under the token's hash (expires)      TotpItems
 * USER#id       TOTP#STEP#n       a used time step: the replay record (expires)                     ProofItems
 * USER#id       ASSERTION#jti     a sign-in assertion spent as a step-up proof (expires with it)    ProofItems
 * USER#id       RECOVERY#hash     one unused recovery code                                          RecoveryCodeItems
 * USER#id       SMS#CHALLENGE     the latest SMS code's keyed hash, purpose, checks left (expires)  SmsItems
 * USER#id       DEVICE#nn         a remembered device in slot nn: public key, name, use (expires)   DeviceItems
 * USER#id       DEVICECHALLENGE   the one sign-in challenge for a remembered device (expires)       DeviceItems
 * USER#id       WEBAUTHN#nn       a security key or passkey in slot nn: COSE key, counter, name     WebAuthnItems
 * USER#id       WEBAUTHNCHALLENGE#c  the one challenge of ceremony c (register, authenticate) (expires) WebAuthnItems
 * SMSRATE#k     HISTORY           recent SMS sends of a user or of a number's keyed hash (expires)  SmsItems
 * SMSBUDGET#…   BUDGET            the sends of one shard of an hourly SMS budget (expires)          SmsItems
 * ORG#id        POLICY            an organisation's "2FA required" rule                             OrgPolicyItems
 * AUDIT#id      &lt;millis&gt;#&lt;rand&gt;   one audit event (expires after the retention)                     DynamoAuditTrail
 * KEYS#family   KEY#generation    one wrapped envelope key (never expires)                          DynamoKeyItems
 * </pre>
 *
 * <p>Items that expire carry {@link #TTL} in epoch seconds, the table's TTL attribute. TTL deletes
 * lazily, so every read and condition treats {@code expiresAt <= now} as absent. Condition and
 * update expressions stay literal strings beside their writes: they are the wire contract that
 * ConditionExpressionsIT pins, and read best as DynamoDB sees them.
 */
final class Schema {
    static final String PK = "pk";
    static final String SK = "sk";
    /** The TTL attribute: epoch seconds (milliseconds would never expire). */
    static final String TTL = "expiresAt";

    static final String RECOVERY_PREFIX = "RECOVERY#";
    static final String DEVICE_PREFIX = "DEVICE#";
    static final String WEBAUTHN_PREFIX = "WEBAUTHN#";

    private Schema() {}

    // ---- keys ----

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, s(pk), SK, s(sk));
    }

    /** The partition of a user's items. */
    static String user(String userId) {
        return "USER#" + userId;
    }

    static Map<String, AttributeValue> account(String userId) {
        return key(user(userId), "ACCOUNT");
    }

    static Map<String, AttributeValue> pendingEnrollment(String userId) {
        return key(user(userId), "TOTP#PENDING");
    }

    static Map<String, AttributeValue> grant(String tokenHash) {
        return key("ACTIVATION#" + tokenHash, "GRANT");
    }

    static Map<String, AttributeValue> stepRecord(String userId, long step) {
        return key(user(userId), "TOTP#STEP#" + step);
    }

    static Map<String, AttributeValue> spentAssertion(String userId, String jti) {
        return key(user(userId), "ASSERTION#" + jti);
    }

    static Map<String, AttributeValue> recoveryCode(String userId, String codeHash) {
        return key(user(userId), RECOVERY_PREFIX + codeHash);
    }

    static Map<String, AttributeValue> notice(String userId, String kind) {
        return key(user(userId), "NOTICE#" + kind);
    }

    static Map<String, AttributeValue> smsChallenge(String userId) {
        return key(user(userId), "SMS#CHALLENGE");
    }

    /** Slots sort as two digits; a Query with {@link #DEVICE_PREFIX} finds them and not the challenge. */
    static Map<String, AttributeValue> device(String userId, int slot) {
        return key(user(userId), DEVICE_PREFIX + "%02d".formatted(slot));
    }

    static Map<String, AttributeValue> deviceChallenge(String userId) {
        return key(user(userId), "DEVICECHALLENGE");
    }

    /** Slots sort as two digits; a Query with {@link #WEBAUTHN_PREFIX} finds them and not the challenges. */
    static Map<String, AttributeValue> webauthnCredential(String userId, int slot) {
        return key(user(userId), WEBAUTHN_PREFIX + "%02d".formatted(slot));
    }

    static Map<String, AttributeValue> webauthnChallenge(String userId, dev.twofa.domain.webauthn.Ceremony ceremony) {
        return key(user(userId), "WEBAUTHNCHALLENGE#" + ceremony.key());
    }

    /** {@code rateKey} is the whole partition key, {@code SMSRATE#…}, as the SMS limiter names it. */
    static Map<String, AttributeValue> sendHistory(String rateKey) {
        return key(rateKey, "HISTORY");
    }

    /** {@code shardKey} is the whole partition key, {@code SMSBUDGET#…}, as the SMS budget names it. */
    static Map<String, AttributeValue> budgetShard(String shardKey) {
        return key(shardKey, "BUDGET");
    }

    static Map<String, AttributeValue> orgPolicy(String orgId) {
        return key("ORG#" + orgId, "POLICY");
    }

    static String auditPartition(String userId) {
        return "AUDIT#" + userId;
    }

    static String keysPartition(String family) {
        return "KEYS#" + family;
    }

    /** Sorted by generation: ten digits, so a Query returns a family oldest first. */
    static Map<String, AttributeValue> storedKey(String family, int generation) {
        return key(keysPartition(family), "KEY#%010d".formatted(generation));
    }

    // ---- items ----

    /** A new item under {@code key}, to add attributes to. */
    static Map<String, AttributeValue> item(Map<String, AttributeValue> key) {
        return new HashMap<>(key);
    }

    /** A new item under {@code key} that expires at {@code expiresAt}. */
    static Map<String, AttributeValue> expiring(Map<String, AttributeValue> key, Instant expiresAt) {
        Map<String, AttributeValue> item = item(key);
        item.put(TTL, epochSeconds(expiresAt));
        return item;
    }

    // ---- codecs: Java → attribute value ----

    static AttributeValue s(String s) {
        return AttributeValue.fromS(s);
    }

    static AttributeValue n(long n) {
        return AttributeValue.fromN(Long.toString(n));
    }

    static AttributeValue b(byte[] b) {
        return AttributeValue.fromB(SdkBytes.fromByteArray(b));
    }

    static AttributeValue bool(boolean b) {
        return AttributeValue.fromBool(b);
    }

    /** Instants that are not TTL values are stored in epoch milliseconds. */
    static AttributeValue millis(Instant t) {
        return n(t.toEpochMilli());
    }

    /** TTL values, and instants compared with them in conditions, are epoch seconds. */
    static AttributeValue epochSeconds(Instant t) {
        return n(t.getEpochSecond());
    }

    // ---- codecs: attribute value → Java (null, or the stated default, when absent) ----

    static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    static long num(Map<String, AttributeValue> item, String name) {
        return Long.parseLong(item.get(name).n());
    }

    static byte[] bytes(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.b().asByteArray();
    }

    static boolean isTrue(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value != null && Boolean.TRUE.equals(value.bool());
    }

    static Instant millis(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : Instant.ofEpochMilli(Long.parseLong(value.n()));
    }

    static Instant expiresAt(Map<String, AttributeValue> item) {
        return Instant.ofEpochSecond(num(item, TTL));
    }
}
