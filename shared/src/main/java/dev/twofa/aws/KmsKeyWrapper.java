package dev.twofa.aws;

import dev.twofa.port.KeyWrapper;
import dev.twofa.port.SecretIntegrityException;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

/**
 * Envelope keys wrapped by the stack's symmetric KMS key: GenerateDataKey for the secrets' data key,
 * Encrypt for the assertion private key (KMS cannot export an asymmetric key it generated, and the key
 * is far below Encrypt's 4096 bytes, so one call wraps it with no second layer), Decrypt with the key
 * id pinned and the same encryption context to unwrap. Each Decrypt is one CloudTrail record naming
 * the key's purpose and kid, once per Lambda instance.
 */
public final class KmsKeyWrapper implements KeyWrapper {
    private final KmsClient kms;
    private final String keyId;

    public KmsKeyWrapper(KmsClient kms, String keyId) {
        this.kms = kms;
        this.keyId = keyId;
    }

    @Override
    public DataKey generateDataKey(Map<String, String> context) {
        try {
            GenerateDataKeyResponse key = kms.generateDataKey(
                    g -> g.keyId(keyId).keySpec(DataKeySpec.AES_256).encryptionContext(context));
            return new DataKey(
                    key.plaintext().asByteArray(), key.ciphertextBlob().asByteArray());
        } catch (SdkException e) {
            throw AwsErrors.translate(KmsSecretCipher.DEPENDENCY, e);
        }
    }

    @Override
    public byte[] wrap(byte[] plaintext, Map<String, String> context) {
        try {
            return kms.encrypt(e -> e.keyId(keyId)
                            .plaintext(SdkBytes.fromByteArray(plaintext))
                            .encryptionContext(context))
                    .ciphertextBlob()
                    .asByteArray();
        } catch (SdkException e) {
            throw AwsErrors.translate(KmsSecretCipher.DEPENDENCY, e);
        }
    }

    @Override
    public byte[] unwrap(byte[] wrapped, Map<String, String> context) {
        try {
            return kms.decrypt(d -> d.keyId(keyId)
                            .ciphertextBlob(SdkBytes.fromByteArray(wrapped))
                            .encryptionContext(context))
                    .plaintext()
                    .asByteArray();
        } catch (InvalidCiphertextException e) {
            throw new SecretIntegrityException("wrapped key not bound to " + context.get("purpose"), e);
        } catch (SdkException e) {
            throw AwsErrors.translate(KmsSecretCipher.DEPENDENCY, e);
        }
    }
}
