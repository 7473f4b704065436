package dev.twofa.domain.webauthn;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A registered security key or passkey: what a sign-in with it is checked against. Nothing here
 * lets anyone sign in (a public key, a counter, flags, a name): a database dump holds no secret.
 *
 * @param slot 0 to {@link WebAuthnPolicy#MAX_CREDENTIALS} - 1: one item per slot holds the limit
 * @param credentialId the authenticator's credential id (raw bytes)
 * @param publicKey the credential public key, COSE_Key encoded, as the authenticator made it
 * @param signCount the signature counter last seen (0: the authenticator does not count)
 * @param transports the browser's hints ("usb", "nfc", "ble", "internal", "hybrid"), for allowCredentials
 * @param aaguid the authenticator model's 16-byte AAGUID (all zero without attestation)
 * @param backupEligible BE: the credential may be synced (a passkey)
 * @param backupState BS: it is backed up now
 * @param userVerified whether the registration was user-verified (UV)
 * @param lastUsedAt null until its first sign-in
 */
public record WebAuthnCredential(
        int slot,
        byte[] credentialId,
        byte[] publicKey,
        long signCount,
        List<String> transports,
        byte[] aaguid,
        boolean backupEligible,
        boolean backupState,
        boolean userVerified,
        String name,
        Instant createdAt,
        Instant lastUsedAt) {

    public WebAuthnCredential {
        if (slot < 0 || slot >= WebAuthnPolicy.MAX_CREDENTIALS) {
            throw new IllegalArgumentException("slot out of range");
        }
        Objects.requireNonNull(credentialId, "credentialId");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(aaguid, "aaguid");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        if (credentialId.length == 0 || credentialId.length > WebAuthnPolicy.MAX_CREDENTIAL_ID_BYTES) {
            throw new IllegalArgumentException("credential id length out of range");
        }
        if (signCount < 0 || signCount > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("sign count out of range");
        }
        credentialId = credentialId.clone();
        publicKey = publicKey.clone();
        aaguid = aaguid.clone();
        transports = List.copyOf(transports);
    }

    @Override
    public byte[] credentialId() {
        return credentialId.clone();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] aaguid() {
        return aaguid.clone();
    }

    /** The credential id in base64url, as the API and the browser name it. */
    public String id() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(credentialId);
    }

    /** The AAGUID in its usual 8-4-4-4-12 form. */
    public String aaguidString() {
        StringBuilder hex = new StringBuilder();
        for (byte b : aaguid) {
            hex.append("%02x".formatted(b));
        }
        String h = hex.toString();
        return h.length() != 32
                ? h
                : h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20)
                        + "-" + h.substring(20);
    }

    public WebAuthnCredential withName(String newName) {
        return new WebAuthnCredential(
                slot,
                credentialId,
                publicKey,
                signCount,
                transports,
                aaguid,
                backupEligible,
                backupState,
                userVerified,
                newName,
                createdAt,
                lastUsedAt);
    }

    /**
     * Whether a sign-in's counter shows a clone (WebAuthn L3 §7.2 step 22): either side counting,
     * the new value must be above the stored one.
     */
    public boolean counterRegressed(long presented) {
        return (presented != 0 || signCount != 0) && presented <= signCount;
    }
}
