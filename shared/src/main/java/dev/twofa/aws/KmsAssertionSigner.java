package dev.twofa.aws;

import dev.twofa.domain.assertion.EcJwk;
import dev.twofa.port.AssertionSigner;
import dev.twofa.port.PublishedKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
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
    private volatile PublishedKey publicHalf;

    public KmsAssertionSigner(KmsClient kms, String keyId) {
        this.kms = kms;
        this.keyId = keyId;
    }

    /** One key, never rotated by this service (KMS does not rotate asymmetric keys). */
    @Override
    public SigningKey signingKey() {
        String kid = publicHalf().kid();
        return new SigningKey() {
            @Override
            public String kid() {
                return kid;
            }

            @Override
            public byte[] sign(byte[] signingInput) {
                return kmsSign(signingInput);
            }
        };
    }

    @Override
    public List<PublishedKey> publishedKeys() {
        return List.of(publicHalf());
    }

    private byte[] kmsSign(byte[] signingInput) {
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

    private PublishedKey publicHalf() {
        PublishedKey known = publicHalf;
        if (known == null) {
            known = fetchPublicHalf();
            publicHalf = known;
        }
        return known;
    }

    private PublishedKey fetchPublicHalf() {
        try {
            byte[] spki = kms.getPublicKey(g -> g.keyId(keyId)).publicKey().asByteArray();
            ECPublicKey key = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
            return PublishedKey.of(key);
        } catch (SdkException e) {
            throw AwsErrors.translate(KmsSecretCipher.DEPENDENCY, e);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("assertion key is not an EC P-256 key", e);
        }
    }
}
