package dev.twofa.wiring;

import dev.twofa.aws.KmsAssertionSigner;
import dev.twofa.aws.KmsKeyWrapper;
import dev.twofa.aws.KmsKeyedHash;
import dev.twofa.aws.KmsSecretCipher;
import dev.twofa.port.AssertionSigner;
import dev.twofa.port.KeyWrapper;
import dev.twofa.port.KeyedHash;
import dev.twofa.port.SecretCipher;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.MacAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/** The KMS adapters, on one client, reached on first use only (see {@link DynamoDbAdapters}). */
final class KmsAdapters {
    /** The key priming names in calls answered locally: no key of the account. */
    private static final String PRIMING_KEY = "alias/priming";

    private final KmsClient kms;
    /** The keys this function's adapters use: the ones priming describes. */
    private final Set<String> keyIds = ConcurrentHashMap.newKeySet();

    KmsAdapters(AwsClients clients) {
        this.kms = clients.build(KmsClient.builder());
    }

    SecretCipher cipher(String keyId) {
        keyIds.add(keyId);
        return new KmsSecretCipher(kms, keyId);
    }

    KeyedHash keyedHash(String keyId) {
        keyIds.add(keyId);
        return new KmsKeyedHash(kms, keyId);
    }

    /** Envelope keys (the secrets' data key, the assertion key) wrapped under the symmetric key. */
    KeyWrapper keyWrapper(String keyId) {
        keyIds.add(keyId);
        return new KmsKeyWrapper(kms, keyId);
    }

    AssertionSigner assertionSigner(String keyId) {
        keyIds.add(keyId);
        return new KmsAssertionSigner(kms, keyId);
    }

    /**
     * SnapStart priming: each kind of call the adapters make, answered locally ({@link
     * PrimingHttpClient}): Encrypt, Decrypt, GenerateDataKey, GenerateMac, Sign and GetPublicKey go
     * through the SDK's marshalling and unmarshalling with no key used (made on the client, never
     * through an adapter, so no adapter keeps an answer made up here); then a real DescribeKey of each
     * key in use (metadata, no key material).
     */
    void prime() {
        PrimingHttpClient.answeringLocally(() -> {
            SdkBytes bytes = SdkBytes.fromByteArray(new byte[32]);
            Map<String, String> context = Map.of("userId", "#priming", "purpose", "priming");
            kms.encrypt(r -> r.keyId(PRIMING_KEY).plaintext(bytes).encryptionContext(context));
            kms.decrypt(r -> r.keyId(PRIMING_KEY).ciphertextBlob(bytes).encryptionContext(context));
            kms.generateDataKey(
                    r -> r.keyId(PRIMING_KEY).keySpec(DataKeySpec.AES_256).encryptionContext(context));
            kms.generateMac(r -> r.keyId(PRIMING_KEY)
                    .macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)
                    .message(bytes));
            kms.sign(r -> r.keyId(PRIMING_KEY)
                    .message(bytes)
                    .messageType(MessageType.RAW)
                    .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256));
            kms.getPublicKey(r -> r.keyId(PRIMING_KEY));
        });
        for (String keyId : keyIds) {
            kms.describeKey(r -> r.keyId(keyId));
        }
    }

    void close() {
        kms.close();
    }
}
