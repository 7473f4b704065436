package dev.twofa.port;

import dev.twofa.domain.account.Account;
import dev.twofa.domain.account.OrgPolicy;
import dev.twofa.domain.account.SmsChallenge;
import dev.twofa.domain.account.SmsFactor;
import dev.twofa.domain.account.TotpFactor;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.domain.device.DeviceChallenge;
import dev.twofa.domain.device.RememberedDevice;
import dev.twofa.domain.enrollment.ActivationGrant;
import dev.twofa.domain.enrollment.PendingEnrollment;
import dev.twofa.domain.lockout.AttemptWindow;
import dev.twofa.domain.webauthn.Ceremony;
import dev.twofa.domain.webauthn.WebAuthnChallenge;
import dev.twofa.domain.webauthn.WebAuthnCredential;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Persistence of the 2FA state. Every method that guards a security rule is one conditional write
 * (or one transaction of them) so that concurrent requests cannot both win; a method returns
 * {@code false} when its condition did not hold. Items past their expiry are treated as absent
 * whether or not TTL has deleted them yet.
 *
 * <p>Every write that completes a successful check takes the failure count the caller read
 * ({@code seenFailures}) and holds only while no failure was counted since: a correct code in a
 * burst of parallel guesses cannot pass once the guesses have used up the attempts.
 */
public interface TwoFactorStore {

    /** Strongly consistent read of the account; empty if the user never enrolled nor failed. */
    Optional<Account> findAccount(String userId);

    /**
     * Counts one failed attempt if the window allows it (see {@link AttemptWindow}); returns the new
     * count, or empty when the user must wait or is locked (nothing written).
     */
    OptionalInt countFailure(String userId, AttemptWindow window);

    /**
     * Stores a new pending enrollment and its activation grant, replacing any pending one, spends
     * the step-up {@code proof} (when the account had a factor) and appends {@code audit}, in one
     * transaction; false (nothing written) when the factor is already enabled, the proof was spent,
     * or a failure was counted since the proof's {@code seenFailures}.
     */
    boolean startEnrollment(
            PendingEnrollment pending,
            ActivationGrant grant,
            Optional<ProofSpend> proof,
            Instant now,
            List<SecurityEvent> audit);

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
     * one transaction; the failure count stays (enabling a factor proves nothing about the
     * account's other factors, privacyIDEA #1578). False when the enrollment changed meanwhile, TOTP
     * is already enabled, a failure was counted since {@code seenFailures}, or the enrollment was
     * started without step-up and SMS is on now.
     */
    boolean enableTotp(
            PendingEnrollment pending,
            TotpFactor factor,
            Instant stepRecordExpiresAt,
            byte[] recoverySalt,
            List<String> recoveryCodeHashes,
            int seenFailures,
            Instant now);

    /**
     * Accepts a TOTP code's matched step in one transaction: records the step as used (the replay
     * record), moves the last accepted step forward, resets the failure count and appends {@code
     * audit}. False when the
     * step was used, is not above the last accepted one, TOTP is off, or a failure was counted since
     * {@code seenFailures}; then nothing is written, the audit items neither.
     */
    boolean acceptTotpStep(
            String userId,
            long step,
            Instant recordExpiresAt,
            int seenFailures,
            Instant now,
            List<SecurityEvent> audit);

    /** The hashes of the unused recovery codes (at most ten), to compare against before consuming. */
    List<String> recoveryCodeHashes(String userId);

    /**
     * Deletes one recovery code, resets the failure count and appends {@code audit}, in one
     * transaction; false (nothing written) if it did not exist (used meanwhile) or a failure was
     * counted since {@code seenFailures}.
     */
    boolean consumeRecoveryCode(String userId, String codeHash, int seenFailures, List<SecurityEvent> audit);

    int countRecoveryCodes(String userId);

    /**
     * Whether a sign-in assertion's {@code jti} is recorded as spent (strongly consistent): a reused
     * assertion is refused at the check, before anything is sent for it; the spending write still
     * decides between parallel uses.
     */
    boolean assertionSpent(String userId, String jti, Instant now);

    /**
     * Records a sign-in assertion's {@code jti} as spent until the assertion expires and resets the
     * failure count; false if it was spent already or a failure was counted since {@code seenFailures}.
     */
    boolean spendAssertion(String userId, String jti, Instant expiresAt, int seenFailures, Instant now);

    /**
     * Spends {@code proof}, resets the failure count, removes the factor, its secret, every recovery
     * code and any pending enrollment, and appends {@code audit}, all in one transaction (commit
     * last: the proof is spent exactly when the factor goes). With {@code keepAnotherFactor}, only
     * while the SMS factor is still on (an organisation requires a factor: two parallel removals
     * must not leave none). False (nothing written) when TOTP is off, the proof was spent, or a
     * failure was counted since the proof's {@code seenFailures}.
     */
    boolean disableTotp(
            String userId, boolean keepAnotherFactor, ProofSpend proof, Instant now, List<SecurityEvent> audit);

    /**
     * Spends {@code proof}, resets the failure count, replaces every recovery code with new hashes
     * under a new salt and appends {@code audit}, in one transaction; false (nothing written) when
     * TOTP is not enabled, the proof was spent, or a failure was counted since.
     */
    boolean replaceRecoveryCodes(
            String userId,
            byte[] recoverySalt,
            List<String> recoveryCodeHashes,
            ProofSpend proof,
            Instant now,
            List<SecurityEvent> audit);

    /**
     * Support reset: turns every factor off, deletes secrets, the number, recovery codes, pending
     * enrollment and SMS challenge, and clears the lockout, in one transaction; false when the user
     * has no account item.
     */
    boolean resetAccount(String userId);

    /**
     * Claims the right to send a notice of {@code kind} to the user until {@code until}; false when
     * one was sent within the period (notices of repeated failures are limited, not dropped).
     */
    boolean claimNotice(String userId, String kind, Instant until, Instant now);

    Optional<OrgPolicy> findOrgPolicy(String orgId);

    void saveOrgPolicy(OrgPolicy policy);

    // ---- SMS ----

    /**
     * Send timestamps (epoch seconds) recorded under a rate-limit key, and the item's version;
     * {@code intervalFreedAfter}: the send whose code was confirmed, after which the next send need not
     * wait out the least interval (the sends still count toward the window).
     */
    record SendHistory(List<Instant> sends, long version, Optional<Instant> intervalFreedAfter) {
        public static final SendHistory NONE = new SendHistory(List.of(), 0);

        public SendHistory(List<Instant> sends, long version) {
            this(sends, version, Optional.empty());
        }
    }

    SendHistory findSendHistory(String rateKey);

    /**
     * Stores the new history if nobody wrote it since {@code seen} was read (optimistic lock);
     * false on a concurrent send, so the limit holds under parallel requests.
     */
    boolean saveSendHistory(String rateKey, SendHistory seen, List<Instant> sends, Instant expiresAt);

    /**
     * Marks {@code lastSend} as confirmed if nobody wrote the history since {@code seen}: the next send
     * need not wait out the least interval after it; false on a concurrent write.
     */
    boolean freeSendInterval(String rateKey, SendHistory seen, Instant lastSend);

    /** Deletes a send history if nobody wrote it since {@code seen} (its last use given back). */
    boolean deleteSendHistory(String rateKey, SendHistory seen);

    /**
     * Stores a new challenge, replacing any earlier one (only the latest code is valid), spends the
     * step-up {@code proof} (when enabling needs one) and appends {@code audit}, in one transaction.
     * With a proof: false (nothing written) when SMS is on already, the proof was spent, or a failure
     * was counted since the proof's {@code seenFailures}; without one it always stores.
     */
    boolean putSmsChallenge(SmsChallenge challenge, Optional<ProofSpend> proof, Instant now, List<SecurityEvent> audit);

    Optional<SmsChallenge> findSmsChallenge(String userId, Instant now);

    /**
     * Spends one of the challenge's checks before the code is compared; false when it has none
     * left, expired, or was replaced. Parallel guesses cannot exceed the limit.
     */
    boolean reserveSmsCheck(String userId, String challengeId, int maxChecks, Instant now);

    /**
     * Consumes the challenge and turns the SMS factor on, in one transaction, storing {@code email}
     * (when not null) as the address on file. The failure count stays. False when the challenge was
     * used, a failure was counted since {@code seenFailures}, or the challenge was sent without
     * step-up and the authenticator app is on now.
     */
    boolean enableSms(SmsChallenge challenge, SmsFactor factor, String email, int seenFailures);

    /**
     * Consumes a login challenge, resets the failure count and appends {@code audit}, in one
     * transaction; false (nothing written) when the challenge was used or replaced, SMS is off, or a
     * failure was counted since {@code seenFailures}.
     */
    boolean consumeSmsLogin(SmsChallenge challenge, int seenFailures, List<SecurityEvent> audit);

    /**
     * Consumes a disable challenge, removes the number and factor and resets the failure count (the
     * code proved the factor), in one transaction; with {@code keepAnotherFactor} only while the
     * authenticator app is still on.
     */
    boolean disableSms(SmsChallenge challenge, boolean keepAnotherFactor, int seenFailures);

    /**
     * Spends another proof (a TOTP code, recovery code or assertion), resets the failure count,
     * removes the number, factor and any SMS challenge and appends {@code audit}, in one
     * transaction; with {@code keepAnotherFactor} only while the authenticator app is still on.
     * False (nothing written) when SMS is off, the proof was spent, or a failure was counted since.
     */
    boolean removeSms(
            String userId, boolean keepAnotherFactor, ProofSpend proof, Instant now, List<SecurityEvent> audit);

    // ---- SMS budgets: account-wide and per-country hourly counters, in shards ----

    /**
     * Takes one send from the budget shard stored under {@code shardKey} if it has taken fewer
     * than {@code cap}; false when the shard is full. One atomic conditional increment: parallel
     * sends never take more than {@code cap} from a shard.
     */
    boolean takeSmsBudget(String shardKey, int cap, Instant expiresAt);

    /** Gives back one send {@link #takeSmsBudget} took, when a later limit refused the send. */
    void returnSmsBudget(String shardKey);

    // ---- remembered devices (one item per slot, at most DevicePolicy.MAX_DEVICES) ----

    /** The user's remembered device items, unexpired, by slot (revoked ones included: the caller applies the rule). */
    List<RememberedDevice> devices(String userId, Instant now);

    /** The unexpired device item in {@code slot}, strongly consistent. */
    Optional<RememberedDevice> findDevice(String userId, int slot, Instant now);

    /**
     * Stores {@code device} in its slot, spends the assertion that proves the second factor just
     * passed and appends {@code audit}, in one transaction. The slot must be free: absent, expired,
     * or holding a device created before {@code revokedBefore} (revoked when every factor went off).
     * False (nothing written) when the slot was taken meanwhile, the assertion was spent, no factor
     * is on, or a failure was counted since the proof's {@code seenFailures}.
     */
    boolean registerDevice(
            String userId,
            RememberedDevice device,
            Instant revokedBefore,
            ProofSpend proof,
            Instant now,
            List<SecurityEvent> audit);

    /** Stores the user's one device sign-in challenge, replacing any earlier one. */
    void putDeviceChallenge(DeviceChallenge challenge);

    /** The user's unexpired device sign-in challenge. */
    Optional<DeviceChallenge> findDeviceChallenge(String userId, Instant now);

    /**
     * A remembered device's sign-in, in one transaction: deletes the challenge (it must still be
     * {@code challenge}, unexpired), records the device's use (it must still be {@code device},
     * unexpired), resets the failure count and appends {@code audit}. The account must still have a
     * factor on that was on when the device was registered, and no failure counted since {@code
     * seenFailures}. False (nothing written) otherwise: of two requests with one challenge, one wins.
     */
    boolean useDevice(
            DeviceChallenge challenge,
            RememberedDevice device,
            int seenFailures,
            Instant now,
            List<SecurityEvent> audit);

    /** Deletes one device (it must still be {@code deviceId} in its slot) and appends {@code audit}; false if it was not. */
    boolean revokeDevice(String userId, String deviceId, int slot, List<SecurityEvent> audit);

    /** Deletes the given devices' items and the device challenge, and appends {@code audit}, in one transaction. */
    void revokeDevices(String userId, List<RememberedDevice> devices, List<SecurityEvent> audit);

    // ---- WebAuthn: security keys and passkeys (one item per slot, at most WebAuthnPolicy.MAX_CREDENTIALS) ----

    /** The user's registered credentials, strongly consistent, by slot. */
    List<WebAuthnCredential> webauthnCredentials(String userId);

    /**
     * Stores the user's one challenge of its ceremony, replacing any earlier one; with a step-up
     * {@code proof}, spends it and appends {@code audit} in the same transaction. False (nothing
     * written) when the proof was spent or a failure was counted since its {@code seenFailures}.
     */
    boolean putWebAuthnChallenge(
            WebAuthnChallenge challenge, Optional<ProofSpend> proof, Instant now, List<SecurityEvent> audit);

    /** The user's unexpired challenge of {@code ceremony}. */
    Optional<WebAuthnChallenge> findWebAuthnChallenge(String userId, Ceremony ceremony, Instant now);

    /**
     * A registration, in one transaction: deletes the challenge (it must still be {@code challenge},
     * unexpired), puts the credential in its slot (which must be free), moves the account's count on
     * from {@code seenCredentials} (nobody registered or removed one since) and appends {@code audit}.
     * A challenge issued without step-up registers only while the account still has no factor. False
     * (nothing written) otherwise: of two requests with one challenge, one wins.
     */
    boolean registerWebAuthn(
            WebAuthnChallenge challenge,
            WebAuthnCredential credential,
            int seenCredentials,
            Instant now,
            List<SecurityEvent> audit);

    /**
     * A sign-in with a credential, in one transaction: deletes the challenge (it must still be
     * {@code challenge}, unexpired), moves the credential's counter from the value read to {@code
     * newSignCount} (a clone racing it loses), records its use, resets the failure count (only while
     * WebAuthn is on and no failure was counted since {@code seenFailures}) and appends {@code audit}.
     */
    boolean useWebAuthn(
            WebAuthnChallenge challenge,
            WebAuthnCredential credential,
            long newSignCount,
            boolean backupState,
            int seenFailures,
            Instant now,
            List<SecurityEvent> audit);

    /** Renames the credential (it must still be in its slot) and appends {@code audit}; false if it was removed. */
    boolean renameWebAuthn(String userId, WebAuthnCredential credential, String name, List<SecurityEvent> audit);

    /**
     * Spends {@code proof}, deletes the credential, moves the account's count down from {@code
     * seenCredentials} (the factor goes off with the last one) and appends {@code audit}, in one
     * transaction; with {@code keepAnotherFactor} the last one goes only while the app or SMS is on.
     * False (nothing written) when the credential or count changed, the proof was spent, or a failure
     * was counted since.
     */
    boolean removeWebAuthn(
            String userId,
            WebAuthnCredential credential,
            int seenCredentials,
            boolean keepAnotherFactor,
            ProofSpend proof,
            Instant now,
            List<SecurityEvent> audit);
}
