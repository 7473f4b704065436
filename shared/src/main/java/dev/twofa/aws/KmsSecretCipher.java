package dev.twofa.aws;

import dev.twofa.port.SecretCipher;
import dev.twofa.port.SecretContext;
import dev.twofa.port.SecretIntegrityException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

/**
 * Secrets encrypted directly with KMS (a TOTP secret is far below Encrypt's 4096-byte limit), each
 * bound to its owner through the encryption context: Decrypt under any other context fails.
 */
public final class KmsSecretCipher implements SecretCipher {
    static final String DEPENDENCY = "KMS";

    private final KmsClient kms;
    private final String keyId;

    public KmsSecretCipher(KmsClient kms, String keyId) {
        this.kms = kms;
        this.keyId = keyId;
    }

    @Override
    public byte[] encrypt(byte[] plaintext, SecretContext context) {
        try {
            return kms.encrypt(e -> e.keyId(keyId)
                            .plaintext(SdkBytes.fromByteArray(plaintext))
                            .encryptionContext(context.asMap()))
                    .ciphertextBlob()
                    .asByteArray();
        } catch (SdkException e) {
            throw AwsErrors.translate(DEPENDENCY, e);
        }
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, SecretContext context) {
        try {
            // KeyId pinned: a ciphertext made under another key is refused, not silently accepted.
            return kms.decrypt(d -> d.keyId(keyId)
                            .ciphertextBlob(SdkBytes.fromByteArray(ciphertext))
                            .encryptionContext(context.asMap()))
                    .plaintext()
                    .asByteArray();
        } catch (InvalidCiphertextException e) {
            throw new SecretIntegrityException("ciphertext not bound to " + context.purpose() + " of this user", e);
        } catch (SdkException e) {
            throw AwsErrors.translate(DEPENDENCY, e);
        }
    }
}
