package dev.twofa.aws.store;

import static dev.twofa.aws.store.AccountItems.COND_NO_NEW_FAILURES;
import static dev.twofa.aws.store.Schema.b;
import static dev.twofa.aws.store.Schema.epochSeconds;
import static dev.twofa.aws.store.Schema.millis;
import static dev.twofa.aws.store.Schema.n;
import static dev.twofa.aws.store.Schema.s;
import static dev.twofa.aws.store.Schema.str;
import static dev.twofa.aws.store.Table.and;

import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.domain.device.DeviceChallenge;
import dev.twofa.domain.device.RememberedDevice;
import dev.twofa.port.ProofSpend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Remembered devices ({@code USER#id / DEVICE#nn}, one per slot, so the per-user limit is a
 * conditional put and never a count that parallel registrations could both pass) and the one
 * sign-in challenge a device may sign ({@code USER#id / DEVICECHALLENGE}).
 */
public final class DeviceItems {
    /**
     * A slot is free when empty, expired but not yet deleted by TTL, or holding a device created
     * before the account's factors last all went off (revoked).
     */
    public static final String COND_SLOT_FREE =
            "attribute_not_exists(pk) OR expiresAt < :now OR createdAt < :revokedBefore";
    /** A device is registered only while a factor is on. */
    public static final String COND_A_FACTOR_ON = "attribute_exists(totpEnabledAt) OR attribute_exists(smsEnabledAt)"
            + " OR attribute_exists(webauthnEnabledAt)";
    /**
     * A device signs in only while a factor is on that was already on when the device was
     * registered: turning every factor off revoked it.
     */
    public static final String COND_FACTOR_ON_SINCE_DEVICE =
            "totpEnabledAt <= :created OR smsEnabledAt <= :created OR webauthnEnabledAt <= :created";
    /** The challenge is the one signed, still unexpired: of two uses, one deletes it. */
    public static final String COND_CHALLENGE_UNUSED = "challenge = :challenge AND expiresAt >= :now";
    /** The slot still holds the device signed with, unexpired. */
    public static final String COND_SAME_DEVICE = "deviceId = :id AND expiresAt >= :now";
    /** The slot still holds the device named. */
    public static final String COND_DEVICE_IS = "deviceId = :id";

    private final Table table;
    private final ProofItems proofs;

    DeviceItems(Table table, ProofItems proofs) {
        this.table = table;
        this.proofs = proofs;
    }

    List<RememberedDevice> devices(String userId, Instant now) {
        return table
                .query(query -> query.consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                        .expressionAttributeValues(
                                Map.of(":pk", s(Schema.user(userId)), ":prefix", s(Schema.DEVICE_PREFIX))))
                .items()
                .stream()
                .map(DeviceItems::device)
                .filter(device -> device.expiresAt().isAfter(now))
                .toList();
    }

    Optional<RememberedDevice> find(String userId, int slot, Instant now) {
        return table.get(Schema.device(userId, slot)).map(DeviceItems::device).filter(device -> device.expiresAt()
                .isAfter(now));
    }

    boolean register(
            String userId,
            RememberedDevice device,
            Instant revokedBefore,
            ProofSpend proof,
            Instant now,
            List<SecurityEvent> audit) {
        Map<String, AttributeValue> item = Schema.expiring(Schema.device(userId, device.slot()), device.expiresAt());
        item.put("deviceId", s(device.id()));
        item.put("publicKey", b(device.publicKey()));
        item.put("name", s(device.name()));
        item.put("createdAt", millis(device.createdAt()));
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(table.put(
                item, COND_SLOT_FREE, Map.of(":now", epochSeconds(now), ":revokedBefore", millis(revokedBefore))));
        writes.add(proofs.item(userId, proof, now));
        writes.add(proofs.accountUpdate(
                userId,
                "SET " + ProofItems.set(proof) + " REMOVE lastFailureAt",
                List.of(COND_A_FACTOR_ON),
                proof,
                Map.of()));
        return table.transactAudited(writes, audit);
    }

    void putChallenge(DeviceChallenge challenge) {
        Map<String, AttributeValue> item =
                Schema.expiring(Schema.deviceChallenge(challenge.userId()), challenge.expiresAt());
        item.put("challenge", s(challenge.value()));
        table.write(table.put(item));
    }

    Optional<DeviceChallenge> findChallenge(String userId, Instant now) {
        return table.get(Schema.deviceChallenge(userId))
                .map(item -> new DeviceChallenge(userId, str(item, "challenge"), Schema.expiresAt(item)))
                .filter(challenge -> !challenge.expiresAt().isBefore(now));
    }

    boolean use(
            DeviceChallenge challenge,
            RememberedDevice device,
            int seenFailures,
            Instant now,
            List<SecurityEvent> audit) {
        String userId = challenge.userId();
        return table.transactAudited(
                List.of(
                        table.delete(
                                Schema.deviceChallenge(userId),
                                COND_CHALLENGE_UNUSED,
                                Map.of(":challenge", s(challenge.value()), ":now", epochSeconds(now))),
                        table.update(
                                Schema.device(userId, device.slot()),
                                "SET lastUsedAt = :at",
                                COND_SAME_DEVICE,
                                Map.of(":id", s(device.id()), ":at", millis(now), ":now", epochSeconds(now))),
                        table.update(
                                Schema.account(userId),
                                AccountItems.RESET_FAILURES,
                                and(COND_FACTOR_ON_SINCE_DEVICE, COND_NO_NEW_FAILURES),
                                Map.of(
                                        ":zero", n(0),
                                        ":seen", n(seenFailures),
                                        ":created", millis(device.createdAt())))),
                audit);
    }

    boolean revoke(String userId, String deviceId, int slot, List<SecurityEvent> audit) {
        return table.transactAudited(
                List.of(table.delete(Schema.device(userId, slot), COND_DEVICE_IS, Map.of(":id", s(deviceId)))), audit);
    }

    void revokeAll(String userId, List<RememberedDevice> devices, List<SecurityEvent> audit) {
        List<TransactWriteItem> writes = new ArrayList<>();
        for (RememberedDevice device : devices) {
            writes.add(table.delete(Schema.device(userId, device.slot())));
        }
        writes.add(table.delete(Schema.deviceChallenge(userId)));
        table.transactAudited(writes, audit);
    }

    private static RememberedDevice device(Map<String, AttributeValue> item) {
        return new RememberedDevice(
                str(item, "deviceId"),
                Schema.bytes(item, "publicKey"),
                str(item, "name"),
                millis(item, "createdAt"),
                millis(item, "lastUsedAt"),
                Schema.expiresAt(item));
    }
}
