package dev.twofa.aws.store;

import static dev.twofa.aws.store.Schema.bytes;
import static dev.twofa.aws.store.Schema.epochSeconds;
import static dev.twofa.aws.store.Schema.millis;
import static dev.twofa.aws.store.Schema.n;
import static dev.twofa.aws.store.Schema.s;
import static dev.twofa.aws.store.Schema.str;

import dev.twofa.domain.account.Account;
import dev.twofa.domain.account.SmsFactor;
import dev.twofa.domain.account.TotpFactor;
import dev.twofa.domain.account.WebAuthnFactor;
import dev.twofa.domain.lockout.AttemptWindow;
import dev.twofa.domain.webauthn.Ceremony;
import dev.twofa.domain.webauthn.WebAuthnPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The account item ({@code USER#id / ACCOUNT}: the factors, the last accepted step, the failure
 * count of the lockout, the recovery salt), the rate-limited notices, and support's reset. The
 * conditions on the account item are here; every family that changes a factor joins them.
 */
public final class AccountItems {
    /** Starting over is refused if the factor was enabled meanwhile. */
    public static final String COND_TOTP_NOT_ENABLED = "attribute_not_exists(totpEnabledAt)";
    /** Factor operations need the factor. */
    public static final String COND_TOTP_ENABLED = "attribute_exists(totpEnabledAt)";
    /** The SMS factor is not on yet (enable) / is on (login, disable). */
    public static final String COND_SMS_NOT_ENABLED = "attribute_not_exists(smsEnabledAt)";

    public static final String COND_SMS_ENABLED = "attribute_exists(smsEnabledAt)";
    /** No security key or passkey is registered (a setup begun without step-up completes only so). */
    public static final String COND_WEBAUTHN_NOT_ENABLED = "attribute_not_exists(webauthnEnabledAt)";
    /** At least one security key or passkey is registered. */
    public static final String COND_WEBAUTHN_ENABLED = "attribute_exists(webauthnEnabledAt)";
    /** The last-factor rule when the app goes: SMS or a security key stays. */
    public static final String COND_FACTOR_BESIDES_TOTP =
            "attribute_exists(smsEnabledAt) OR attribute_exists(webauthnEnabledAt)";
    /** The last-factor rule when SMS goes: the app or a security key stays. */
    public static final String COND_FACTOR_BESIDES_SMS =
            "attribute_exists(totpEnabledAt) OR attribute_exists(webauthnEnabledAt)";
    /** The last-factor rule when the last security key goes: the app or SMS stays. */
    public static final String COND_FACTOR_BESIDES_WEBAUTHN =
            "attribute_exists(totpEnabledAt) OR attribute_exists(smsEnabledAt)";
    /** RFC 6238 §5.2: the matched step must be above the last accepted one. */
    public static final String COND_STEP_ADVANCES = "attribute_exists(totpEnabledAt) AND totpLastStep < :step";
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
    /** A support reset acts on an existing account only (never creates one for a mistyped id). */
    public static final String COND_ACCOUNT_EXISTS = "attribute_exists(pk)";
    /** A notice of a kind is sent once a period: its record is absent, or expired but not yet deleted by TTL. */
    public static final String COND_NOTICE_NOT_SENT = "attribute_not_exists(pk) OR expiresAt < :now";

    /** A successful check of an existing factor clears the lockout; nothing else does. */
    static final String RESET_FAILURES = "SET failures = :zero REMOVE lastFailureAt";

    /**
     * {@code set} followed by storing {@code email} as the address on file, when the caller knows one:
     * enabling a factor records where its notices go.
     */
    static String withEmail(String set, String email, Map<String, AttributeValue> values) {
        if (email == null) {
            return set;
        }
        values.put(":email", s(email));
        return set + ", email = :email";
    }

    private final Table table;
    private final RecoveryCodeItems recoveryCodes;

    AccountItems(Table table, RecoveryCodeItems recoveryCodes) {
        this.table = table;
        this.recoveryCodes = recoveryCodes;
    }

    Optional<Account> find(String userId) {
        return table.get(Schema.account(userId)).map(item -> account(userId, item));
    }

    private static Account account(String userId, Map<String, AttributeValue> item) {
        TotpFactor totp = item.containsKey("totpEnabledAt")
                ? new TotpFactor(
                        bytes(item, "totpSecret"), Schema.num(item, "totpLastStep"), millis(item, "totpEnabledAt"))
                : null;
        SmsFactor sms = item.containsKey("smsEnabledAt")
                ? new SmsFactor(bytes(item, "smsPhone"), str(item, "smsMasked"), millis(item, "smsEnabledAt"))
                : null;
        WebAuthnFactor webauthn = item.containsKey("webauthnEnabledAt")
                ? new WebAuthnFactor((int) Schema.num(item, "webauthnCount"), millis(item, "webauthnEnabledAt"))
                : null;
        return new Account(
                userId,
                str(item, "email"),
                totp,
                sms,
                item.containsKey("failures") ? (int) Schema.num(item, "failures") : 0,
                millis(item, "lastFailureAt"),
                bytes(item, "recoverySalt"),
                webauthn);
    }

    OptionalInt countFailure(String userId, AttemptWindow window) {
        return table.updateReturningNew(table.update(
                        Schema.account(userId),
                        "ADD failures :one SET lastFailureAt = :at",
                        COND_ATTEMPT_ALLOWED,
                        Map.of(
                                ":one", n(1),
                                ":at", millis(window.at()),
                                ":free", n(window.freeFailures()),
                                ":seen", n(window.seenFailures()),
                                ":hard", n(window.hardLimit()),
                                ":latest", millis(window.latestFailureAllowed()))))
                .map(updated -> OptionalInt.of((int) Schema.num(updated, "failures")))
                .orElse(OptionalInt.empty());
    }

    boolean claimNotice(String userId, String kind, Instant until, Instant now) {
        return table.conditionally(table.put(
                Schema.expiring(Schema.notice(userId, kind), until),
                COND_NOTICE_NOT_SENT,
                Map.of(":now", epochSeconds(now))));
    }

    /**
     * Support's reset: every factor (the security keys' items too), the pending enrollment, the SMS and
     * WebAuthn challenges and the recovery codes go.
     */
    boolean reset(String userId) {
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(table.update(
                Schema.account(userId),
                "SET failures = :zero REMOVE totpSecret, totpLastStep, totpEnabledAt,"
                        + " recoverySalt, smsPhone, smsMasked, smsEnabledAt, lastFailureAt,"
                        + " webauthnEnabledAt, webauthnCount",
                COND_ACCOUNT_EXISTS,
                Map.of(":zero", n(0))));
        writes.add(table.delete(Schema.pendingEnrollment(userId)));
        writes.add(table.delete(Schema.smsChallenge(userId)));
        for (int slot = 0; slot < WebAuthnPolicy.MAX_CREDENTIALS; slot++) {
            writes.add(table.delete(Schema.webauthnCredential(userId, slot)));
        }
        for (Ceremony ceremony : Ceremony.values()) {
            writes.add(table.delete(Schema.webauthnChallenge(userId, ceremony)));
        }
        writes.addAll(recoveryCodes.deleteAll(userId, null));
        return table.transact(writes);
    }
}
