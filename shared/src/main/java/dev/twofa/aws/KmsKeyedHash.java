package dev.twofa.aws;

import dev.twofa.port.KeyedHash;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.MacAlgorithmSpec;

/** HMAC-SHA256 computed inside KMS (GenerateMac) with an HMAC_256 key that never leaves it. */
public final class KmsKeyedHash implements KeyedHash {
    private final KmsClient kms;
    private final String keyId;

    public KmsKeyedHash(KmsClient kms, String keyId) {
        this.kms = kms;
        this.keyId = keyId;
    }

    @Override
    public byte[] mac(byte[] message) {
        try {
            return kms.generateMac(g -> g.keyId(keyId)
                            .macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)
                            .message(SdkBytes.fromByteArray(message)))
                    .mac()
                    .asByteArray();
        } catch (SdkException e) {
            throw AwsErrors.translate(KmsSecretCipher.DEPENDENCY, e);
        }
    }
}
