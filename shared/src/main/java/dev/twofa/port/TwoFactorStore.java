package dev.twofa.port;

import dev.twofa.domain.account.Account;
import dev.twofa.domain.account.OrgPolicy;
import dev.twofa.domain.account.SmsChallenge;
import dev.twofa.domain.account.SmsFactor;
import dev.twofa.domain.account.TotpFactor;
import dev.twofa.domain.enrollment.ActivationGrant;
import dev.twofa.domain.enrollment.PendingEnrollment;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Persistence of the 2FA state. Every method that guards a security rule is one conditional write
 * (or one transaction of them) so that concurrent requests cannot both win; a method returns
 * {@code false} when its condition did not hold. Items past their expiry are treated as absent
 * whether or not TTL has deleted them yet.
 */
public interface TwoFactorStore {

    /** Strongly consistent read of the account; empty if the user never enrolled nor failed. */
    Optional<Account> findAccount(String userId);

    /** Adds one consecutive failure (atomically, across sessions); returns the new count. */
    int recordFailure(String userId, Instant at);

    /**
     * Stores a new pending enrollment and its activation grant, replacing any pending one; false
     * when the factor is already enabled.
     */
    boolean startEnrollment(PendingEnrollment pending, ActivationGrant grant);

    /** Undoes {@link #startEnrollment} when the activation email could not be sent. */
    void abandonEnrollment(PendingEnrollment pending, ActivationGrant grant);

    Optional<ActivationGrant> findActivationGrant(String tokenHash, Instant now);

    /**
     * Consumes the grant and stores the activated secret in one transaction. False when the grant
     * was used or expired meanwhile, or the enrollment it names was replaced.
     */
    boolean activate(ActivationGrant grant, byte[] secretCiphertext, Instant now, Instant confirmBy);

    Optional<PendingEnrollment> findPendingEnrollment(String userId, Instant now);

    /**
     * Turns the activated enrollment into an enabled factor: deletes the pending item, records the
     * enrollment code's step as used, stores the hashed recovery codes and resets failures, all in
     * one transaction. False when the enrollment changed meanwhile or TOTP is already enabled.
     */
    boolean enableTotp(
            PendingEnrollment pending,
            TotpFactor factor,
            Instant stepRecordExpiresAt,
            byte[] recoverySalt,
            List<String> recoveryCodeHashes,
            Instant now);

    /** Records a matched time step as used; false if it was already used (a replay). */
    boolean markStepUsed(String userId, long step, Instant recordExpiresAt, Instant now);

    /**
     * Moves the last accepted step forward and resets the failure count; false if the stored last
     * step is already at or above {@code step} or TOTP is not enabled.
     */
    boolean acceptStep(String userId, long step);

    /** Deletes one recovery code and resets the failure count; false if it did not exist. */
    boolean consumeRecoveryCode(String userId, String codeHash);

    int countRecoveryCodes(String userId);

    /** Removes the factor, its secret, every recovery code and any pending enrollment. */
    boolean disableTotp(String userId);

    /**
     * Replaces every recovery code with new hashes under a new salt, in one transaction; false when
     * TOTP is not enabled.
     */
    boolean replaceRecoveryCodes(String userId, byte[] recoverySalt, List<String> recoveryCodeHashes, Instant now);

    /**
     * Support reset: turns every factor off, deletes secrets, the number, recovery codes, pending
     * enrollment and SMS challenge, and clears the lockout, in one transaction; false when the user
     * has no account item.
     */
    boolean resetAccount(String userId);

    Optional<OrgPolicy> findOrgPolicy(String orgId);

    void saveOrgPolicy(OrgPolicy policy);

    // ---- SMS ----

    /** Send timestamps (epoch seconds) recorded under a rate-limit key, and the item's version. */
    record SendHistory(List<Instant> sends, long version) {
        public static final SendHistory NONE = new SendHistory(List.of(), 0);
    }

    SendHistory findSendHistory(String rateKey);

    /**
     * Stores the new history if nobody wrote it since {@code seen} was read (optimistic lock);
     * false on a concurrent send, so the limit holds under parallel requests.
     */
    boolean saveSendHistory(String rateKey, SendHistory seen, List<Instant> sends, Instant expiresAt);

    /** Stores a new challenge, replacing any earlier one: only the latest code is valid. */
    void putSmsChallenge(SmsChallenge challenge);

    /** Removes the challenge if it is still this one (its SMS could not be sent). */
    void deleteSmsChallenge(String userId, String challengeId);

    Optional<SmsChallenge> findSmsChallenge(String userId, Instant now);

    /**
     * Spends one of the challenge's checks before the code is compared; false when it has none
     * left, expired, or was replaced. Parallel guesses cannot exceed the limit.
     */
    boolean reserveSmsCheck(String userId, String challengeId, int maxChecks, Instant now);

    /** Consumes the challenge and turns the SMS factor on, in one transaction. */
    boolean enableSms(SmsChallenge challenge, SmsFactor factor);

    /** Consumes a login challenge and resets the failure count, in one transaction. */
    boolean consumeSmsLogin(SmsChallenge challenge);

    /** Consumes a disable challenge and removes the number and factor, in one transaction. */
    boolean disableSms(SmsChallenge challenge);

    // ---- SMS budgets: account-wide and per-country hourly counters, in shards ----

    /**
     * Takes one send from the budget shard stored under {@code shardKey} if it has taken fewer
     * than {@code cap}; false when the shard is full. One atomic conditional increment: parallel
     * sends never take more than {@code cap} from a shard.
     */
    boolean takeSmsBudget(String shardKey, int cap, Instant expiresAt);

    /** Gives back one send {@link #takeSmsBudget} took, when a later limit refused the send. */
    void returnSmsBudget(String shardKey);
}
