package dev.twofa.aws;

import dev.twofa.domain.assertion.EcJwk;
import dev.twofa.port.AssertionSigner;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * ES256 through KMS Sign with an ECC_NIST_P256 key. The public key is fetched once per
 * environment (GetPublicKey) for the JWKS document and the kid.
 */
public final class KmsAssertionSigner implements AssertionSigner {
    private final KmsClient kms;
    private final String keyId;
    private volatile PublicHalf publicHalf;

    private record PublicHalf(ECPublicKey key, Map<String, Object> jwk) {}

    public KmsAssertionSigner(KmsClient kms, String keyId) {
        this.kms = kms;
        this.keyId = keyId;
    }

    @Override
    public String keyId() {
        return (String) publicJwk().get("kid");
    }

    @Override
    public byte[] sign(byte[] signingInput) {
        try {
            byte[] der = kms.sign(s -> s.keyId(keyId)
                            .message(SdkBytes.fromByteArray(signingInput))
                            .messageType(MessageType.RAW)
                            .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256))
                    .signature()
                    .asByteArray();
            return EcJwk.derToJose(der);
        } catch (SdkException e) {
            throw AwsErrors.translate(KmsSecretCipher.DEPENDENCY, e);
        }
    }

    @Override
    public Map<String, Object> publicJwk() {
        return publicHalf().jwk();
    }

    @Override
    public ECPublicKey publicKey() {
        return publicHalf().key();
    }

    private PublicHalf publicHalf() {
        PublicHalf known = publicHalf;
        if (known == null) {
            known = fetchPublicHalf();
            publicHalf = known;
        }
        return known;
    }

    private PublicHalf fetchPublicHalf() {
        try {
            byte[] spki = kms.getPublicKey(g -> g.keyId(keyId)).publicKey().asByteArray();
            ECPublicKey key = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
            return new PublicHalf(key, EcJwk.of(key));
        } catch (SdkException e) {
            throw AwsErrors.translate(KmsSecretCipher.DEPENDENCY, e);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("assertion key is not an EC P-256 key", e);
        }
    }
}
