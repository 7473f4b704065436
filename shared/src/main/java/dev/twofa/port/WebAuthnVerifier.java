package dev.twofa.port;

import java.util.Objects;
import java.util.Set;

/**
 * Verifies WebAuthn ceremonies (L3 §7.1, §7.2): client data (type, challenge, origin), the RP id
 * hash, the UP and UV flags, the attestation statement, the assertion's signature and counter. The
 * adapter is a maintained library (webauthn4j); nothing of ours parses CBOR or COSE.
 */
public interface WebAuthnVerifier {

    /** What the response must match: the server's side of the ceremony. */
    record Expected(Set<String> origins, String rpId, byte[] challenge, boolean userVerificationRequired) {
        public Expected {
            origins = Set.copyOf(origins);
            Objects.requireNonNull(rpId, "rpId");
            challenge = challenge.clone();
        }

        @Override
        public byte[] challenge() {
            return challenge.clone();
        }
    }

    /** A RegistrationResponseJSON's parts, decoded from base64url. */
    record Registration(byte[] clientDataJson, byte[] attestationObject, Set<String> transports) {}

    /** What a verified registration yields, to store. */
    record NewCredential(
            byte[] credentialId,
            byte[] publicKey,
            long signCount,
            byte[] aaguid,
            boolean backupEligible,
            boolean backupState,
            boolean userVerified) {}

    /** An AuthenticationResponseJSON's parts, decoded from base64url; {@code userHandle} may be null. */
    record Authentication(
            byte[] credentialId,
            byte[] clientDataJson,
            byte[] authenticatorData,
            byte[] signature,
            byte[] userHandle) {}

    /** The stored credential the assertion is checked against. */
    record Stored(
            byte[] credentialId,
            byte[] publicKey,
            long signCount,
            byte[] aaguid,
            boolean userVerified,
            boolean backupEligible,
            boolean backupState) {}

    /** A verified assertion: the new counter and flags. */
    record Asserted(long signCount, boolean userVerified, boolean backupState) {}

    /** @throws Rejected when the response fails a check */
    NewCredential verifyRegistration(Registration response, Expected expected);

    /**
     * Checks the assertion's client data, RP id, flags and signature. The counter is not judged here
     * (the caller compares it with the stored one and audits a clone).
     *
     * @throws Rejected when the response fails a check
     */
    Asserted verifyAuthentication(Authentication response, Stored credential, Expected expected);

    /** Why a response was refused; never carries the response itself. */
    enum Reason {
        MALFORMED,
        TYPE,
        CHALLENGE,
        ORIGIN,
        RP_ID,
        USER_PRESENCE,
        USER_VERIFICATION,
        ALGORITHM,
        SIGNATURE,
        OTHER;

        /** As logged and audited ("wrong origin"). */
        public String description() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
    }

    final class Rejected extends RuntimeException {
        private final Reason reason;

        public Rejected(Reason reason) {
            super("webauthn response rejected: " + reason.description(), null, false, false);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }
}
