package dev.twofa.aws.store;

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
import dev.twofa.port.ProofSpend;
import dev.twofa.port.TwoFactorStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The {@link TwoFactorStore} port on one DynamoDB table. Each method is one item family's: the
 * account item and its lockout ({@link AccountItems}), the authenticator app's enrollment, grant
 * and factor ({@link TotpItems}), the recovery codes ({@link RecoveryCodeItems}), the SMS challenge,
 * send histories and budgets ({@link SmsItems}), the organisations' policies ({@link OrgPolicyItems}), the remembered devices ({@link DeviceItems}), security keys and passkeys ({@link WebAuthnItems});
 * proofs are spent once by {@link ProofItems}, and the audit items a transaction appends are {@link
 * DynamoAuditTrail}'s. Each family writes its items with the conditions beside the writes; the keys
 * and codecs are {@link Schema}'s, the calls, conditional writes and transactions {@link Table}'s.
 */
public final class DynamoTwoFactorStore implements TwoFactorStore {
    private final AccountItems accounts;
    private final TotpItems totp;
    private final RecoveryCodeItems recoveryCodes;
    private final ProofItems proofs;
    private final SmsItems sms;
    private final OrgPolicyItems orgPolicies;
    private final DeviceItems devices;
    private final WebAuthnItems webauthn;

    /** @param audit builds the audit items a transaction appends with the change they record */
    public DynamoTwoFactorStore(DynamoDbClient dynamo, String table, DynamoAuditTrail audit) {
        Table items = new Table(dynamo, table, audit);
        this.proofs = new ProofItems(items);
        this.recoveryCodes = new RecoveryCodeItems(items, proofs);
        this.accounts = new AccountItems(items, recoveryCodes);
        this.totp = new TotpItems(items, proofs, recoveryCodes);
        this.sms = new SmsItems(items, proofs);
        this.orgPolicies = new OrgPolicyItems(items);
        this.devices = new DeviceItems(items, proofs);
        this.webauthn = new WebAuthnItems(items, proofs);
    }

    // ---- the account and its lockout ----

    @Override
    public Optional<Account> findAccount(String userId) {
        return accounts.find(userId);
    }

    @Override
    public OptionalInt countFailure(String userId, AttemptWindow window) {
        return accounts.countFailure(userId, window);
    }

    @Override
    public boolean claimNotice(String userId, String kind, Instant until, Instant now) {
        return accounts.claimNotice(userId, kind, until, now);
    }

    @Override
    public boolean resetAccount(String userId) {
        return accounts.reset(userId);
    }

    // ---- the authenticator app ----

    @Override
    public boolean startEnrollment(
            PendingEnrollment pending,
            ActivationGrant grant,
            Optional<ProofSpend> proof,
            Instant now,
            List<SecurityEvent> audit) {
        return totp.startEnrollment(pending, grant, proof, now, audit);
    }

    @Override
    public Optional<ActivationGrant> findActivationGrant(String tokenHash, Instant now) {
        return totp.findActivationGrant(tokenHash, now);
    }

    @Override
    public boolean activate(ActivationGrant grant, byte[] secretCiphertext, Instant now, Instant confirmBy) {
        return totp.activate(grant, secretCiphertext, now, confirmBy);
    }

    @Override
    public Optional<PendingEnrollment> findPendingEnrollment(String userId, Instant now) {
        return totp.findPendingEnrollment(userId, now);
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
        return totp.enable(pending, factor, stepRecordExpiresAt, recoverySalt, recoveryCodeHashes, seenFailures, now);
    }

    @Override
    public boolean acceptTotpStep(
            String userId,
            long step,
            Instant recordExpiresAt,
            int seenFailures,
            Instant now,
            List<SecurityEvent> audit) {
        return totp.acceptStep(userId, step, recordExpiresAt, seenFailures, now, audit);
    }

    @Override
    public boolean disableTotp(
            String userId, boolean keepAnotherFactor, ProofSpend proof, Instant now, List<SecurityEvent> audit) {
        return totp.disable(userId, keepAnotherFactor, proof, now, audit);
    }

    // ---- recovery codes and assertions ----

    @Override
    public List<String> recoveryCodeHashes(String userId) {
        return recoveryCodes.hashes(userId);
    }

    @Override
    public int countRecoveryCodes(String userId) {
        return recoveryCodes.count(userId);
    }

    @Override
    public boolean consumeRecoveryCode(String userId, String codeHash, int seenFailures, List<SecurityEvent> audit) {
        return recoveryCodes.consume(userId, codeHash, seenFailures, audit);
    }

    @Override
    public boolean replaceRecoveryCodes(
            String userId,
            byte[] recoverySalt,
            List<String> recoveryCodeHashes,
            ProofSpend proof,
            Instant now,
            List<SecurityEvent> audit) {
        return recoveryCodes.replace(userId, recoverySalt, recoveryCodeHashes, proof, now, audit);
    }

    @Override
    public boolean assertionSpent(String userId, String jti, Instant now) {
        return proofs.assertionSpent(userId, jti, now);
    }

    @Override
    public boolean spendAssertion(String userId, String jti, Instant expiresAt, int seenFailures, Instant now) {
        return proofs.spendAssertion(userId, jti, expiresAt, seenFailures, now);
    }

    // ---- organisations ----

    @Override
    public Optional<OrgPolicy> findOrgPolicy(String orgId) {
        return orgPolicies.find(orgId);
    }

    @Override
    public void saveOrgPolicy(OrgPolicy policy) {
        orgPolicies.save(policy);
    }

    // ---- SMS ----

    @Override
    public SendHistory findSendHistory(String rateKey) {
        return sms.findSendHistory(rateKey);
    }

    @Override
    public boolean saveSendHistory(String rateKey, SendHistory seen, List<Instant> sends, Instant expiresAt) {
        return sms.saveSendHistory(rateKey, seen, sends, expiresAt);
    }

    @Override
    public boolean freeSendInterval(String rateKey, SendHistory seen, Instant lastSend) {
        return sms.freeSendInterval(rateKey, seen, lastSend);
    }

    @Override
    public boolean deleteSendHistory(String rateKey, SendHistory seen) {
        return sms.deleteSendHistory(rateKey, seen);
    }

    @Override
    public boolean putSmsChallenge(
            SmsChallenge challenge, Optional<ProofSpend> proof, Instant now, List<SecurityEvent> audit) {
        return sms.putChallenge(challenge, proof, now, audit);
    }

    @Override
    public Optional<SmsChallenge> findSmsChallenge(String userId, Instant now) {
        return sms.findChallenge(userId, now);
    }

    @Override
    public boolean reserveSmsCheck(String userId, String challengeId, int maxChecks, Instant now) {
        return sms.reserveCheck(userId, challengeId, maxChecks, now);
    }

    @Override
    public boolean enableSms(SmsChallenge challenge, SmsFactor factor, String email, int seenFailures) {
        return sms.enable(challenge, factor, email, seenFailures);
    }

    @Override
    public boolean consumeSmsLogin(SmsChallenge challenge, int seenFailures, List<SecurityEvent> audit) {
        return sms.consumeLogin(challenge, seenFailures, audit);
    }

    @Override
    public boolean disableSms(SmsChallenge challenge, boolean keepAnotherFactor, int seenFailures) {
        return sms.disable(challenge, keepAnotherFactor, seenFailures);
    }

    @Override
    public boolean removeSms(
            String userId, boolean keepAnotherFactor, ProofSpend proof, Instant now, List<SecurityEvent> audit) {
        return sms.remove(userId, keepAnotherFactor, proof, now, audit);
    }

    @Override
    public boolean takeSmsBudget(String shardKey, int cap, Instant expiresAt) {
        return sms.takeBudget(shardKey, cap, expiresAt);
    }

    @Override
    public void returnSmsBudget(String shardKey) {
        sms.returnBudget(shardKey);
    }

    // ---- remembered devices ----

    @Override
    public List<RememberedDevice> devices(String userId, Instant now) {
        return devices.devices(userId, now);
    }

    @Override
    public Optional<RememberedDevice> findDevice(String userId, int slot, Instant now) {
        return devices.find(userId, slot, now);
    }

    @Override
    public boolean registerDevice(
            String userId,
            RememberedDevice device,
            Instant revokedBefore,
            ProofSpend proof,
            Instant now,
            List<SecurityEvent> audit) {
        return devices.register(userId, device, revokedBefore, proof, now, audit);
    }

    @Override
    public void putDeviceChallenge(DeviceChallenge challenge) {
        devices.putChallenge(challenge);
    }

    @Override
    public Optional<DeviceChallenge> findDeviceChallenge(String userId, Instant now) {
        return devices.findChallenge(userId, now);
    }

    @Override
    public boolean useDevice(
            DeviceChallenge challenge,
            RememberedDevice device,
            int seenFailures,
            Instant now,
            List<SecurityEvent> audit) {
        return devices.use(challenge, device, seenFailures, now, audit);
    }

    @Override
    public boolean revokeDevice(String userId, String deviceId, int slot, List<SecurityEvent> audit) {
        return devices.revoke(userId, deviceId, slot, audit);
    }

    @Override
    public void revokeDevices(String userId, List<RememberedDevice> devices, List<SecurityEvent> audit) {
        this.devices.revokeAll(userId, devices, audit);
    }

    // ---- WebAuthn ----

    @Override
    public List<WebAuthnCredential> webauthnCredentials(String userId) {
        return webauthn.credentials(userId);
    }

    @Override
    public boolean putWebAuthnChallenge(
            WebAuthnChallenge challenge, Optional<ProofSpend> proof, Instant now, List<SecurityEvent> audit) {
        return webauthn.putChallenge(challenge, proof, now, audit);
    }

    @Override
    public Optional<WebAuthnChallenge> findWebAuthnChallenge(String userId, Ceremony ceremony, Instant now) {
        return webauthn.findChallenge(userId, ceremony, now);
    }

    @Override
    public boolean registerWebAuthn(
            WebAuthnChallenge challenge,
            WebAuthnCredential credential,
            int seenCredentials,
            Instant now,
            List<SecurityEvent> audit) {
        return webauthn.register(challenge, credential, seenCredentials, now, audit);
    }

    @Override
    public boolean useWebAuthn(
            WebAuthnChallenge challenge,
            WebAuthnCredential credential,
            long newSignCount,
            boolean backupState,
            int seenFailures,
            Instant now,
            List<SecurityEvent> audit) {
        return webauthn.use(challenge, credential, newSignCount, backupState, seenFailures, now, audit);
    }

    @Override
    public boolean renameWebAuthn(
            String userId, WebAuthnCredential credential, String name, List<SecurityEvent> audit) {
        return webauthn.rename(userId, credential, name, audit);
    }

    @Override
    public boolean removeWebAuthn(
            String userId,
            WebAuthnCredential credential,
            int seenCredentials,
            boolean keepAnotherFactor,
            ProofSpend proof,
            Instant now,
            List<SecurityEvent> audit) {
        return webauthn.remove(userId, credential, seenCredentials, keepAnotherFactor, proof, now, audit);
    }
}
