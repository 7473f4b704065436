package dev.twofa.webauthn;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.exception.DataConversionException;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecord;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticationRequest;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.RegistrationRequest;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.BadChallengeException;
import com.webauthn4j.verifier.exception.BadOriginException;
import com.webauthn4j.verifier.exception.BadRpIdException;
import com.webauthn4j.verifier.exception.BadSignatureException;
import com.webauthn4j.verifier.exception.InconsistentClientDataTypeException;
import com.webauthn4j.verifier.exception.MissingChallengeException;
import com.webauthn4j.verifier.exception.NotAllowedAlgorithmException;
import com.webauthn4j.verifier.exception.UserNotPresentException;
import com.webauthn4j.verifier.exception.UserNotVerifiedException;
import com.webauthn4j.verifier.exception.VerificationException;
import dev.twofa.port.WebAuthnVerifier;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@link WebAuthnVerifier} on webauthn4j (its non-strict manager: attestation {@code none} is what
 * the options ask for, and no attestation is trusted or required). The counter is judged by the
 * caller, against the stored one, so a clone is audited as such: the library is given a stored
 * counter of 0 and never refuses on it.
 */
public final class Webauthn4jVerifier implements WebAuthnVerifier {
    /** WebAuthnPolicy.ALGORITHMS: ES256, EdDSA, RS256, what the options offer. */
    private static final List<PublicKeyCredentialParameters> PARAMETERS = List.of(
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.EdDSA),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.RS256));

    private final ObjectConverter converter = new ObjectConverter();
    private final WebAuthnManager manager = WebAuthnManager.createNonStrictWebAuthnManager(converter);
    private final AttestedCredentialDataConverter attested = new AttestedCredentialDataConverter(converter);

    @Override
    public NewCredential verifyRegistration(Registration response, Expected expected) {
        try {
            RegistrationData data = manager.verify(
                    new RegistrationRequest(
                            response.attestationObject(), response.clientDataJson(), response.transports()),
                    new RegistrationParameters(
                            server(expected), PARAMETERS, expected.userVerificationRequired(), true));
            AuthenticatorData<?> authenticator = data.getAttestationObject().getAuthenticatorData();
            AttestedCredentialData credential = authenticator.getAttestedCredentialData();
            byte[] encoded = attested.convert(credential);
            byte[] id = credential.getCredentialId();
            // aaguid (16) ‖ length (2) ‖ credential id ‖ COSE_Key: keep the key as the authenticator encoded it.
            byte[] coseKey = Arrays.copyOfRange(encoded, 18 + id.length, encoded.length);
            return new NewCredential(
                    id,
                    coseKey,
                    authenticator.getSignCount(),
                    credential.getAaguid().getBytes(),
                    authenticator.isFlagBE(),
                    authenticator.isFlagBS(),
                    authenticator.isFlagUV());
        } catch (RuntimeException e) {
            throw rejected(e);
        }
    }

    @Override
    public Asserted verifyAuthentication(Authentication response, Stored credential, Expected expected) {
        try {
            AuthenticationData data = manager.verify(
                    new AuthenticationRequest(
                            response.credentialId(),
                            response.userHandle(),
                            response.authenticatorData(),
                            response.clientDataJson(),
                            null,
                            response.signature()),
                    new AuthenticationParameters(
                            server(expected),
                            record(credential),
                            List.of(credential.credentialId()),
                            expected.userVerificationRequired(),
                            true));
            AuthenticatorData<?> authenticator = data.getAuthenticatorData();
            return new Asserted(authenticator.getSignCount(), authenticator.isFlagUV(), authenticator.isFlagBS());
        } catch (RuntimeException e) {
            throw rejected(e);
        }
    }

    private CredentialRecord record(Stored stored) {
        byte[] id = stored.credentialId();
        byte[] key = stored.publicKey();
        ByteBuffer encoded = ByteBuffer.allocate(18 + id.length + key.length);
        encoded.put(stored.aaguid()).putShort((short) id.length).put(id).put(key);
        AttestedCredentialData data = attested.convert(encoded.array());
        return new CredentialRecordImpl(
                new NoneAttestationStatement(),
                stored.userVerified(),
                stored.backupEligible(),
                stored.backupState(),
                0,
                data,
                null,
                null,
                null,
                null);
    }

    private static ServerProperty server(Expected expected) {
        Set<Origin> origins = expected.origins().stream().map(Origin::new).collect(Collectors.toSet());
        return ServerProperty.builder()
                .origins(origins)
                .rpId(expected.rpId())
                .challenge(new DefaultChallenge(expected.challenge()))
                .build();
    }

    private static Rejected rejected(RuntimeException e) {
        return new Rejected(
                switch (e) {
                    case Rejected r -> r.reason();
                    case BadOriginException x -> Reason.ORIGIN;
                    case BadRpIdException x -> Reason.RP_ID;
                    case BadChallengeException x -> Reason.CHALLENGE;
                    case MissingChallengeException x -> Reason.CHALLENGE;
                    case InconsistentClientDataTypeException x -> Reason.TYPE;
                    case UserNotPresentException x -> Reason.USER_PRESENCE;
                    case UserNotVerifiedException x -> Reason.USER_VERIFICATION;
                    case NotAllowedAlgorithmException x -> Reason.ALGORITHM;
                    case BadSignatureException x -> Reason.SIGNATURE;
                    case DataConversionException x -> Reason.MALFORMED;
                    case VerificationException x -> Reason.OTHER;
                    case IllegalArgumentException x -> Reason.MALFORMED;
                    default -> Reason.MALFORMED;
                });
    }
}
