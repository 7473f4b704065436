package dev.twofa.wiring;

import dev.twofa.aws.KmsAssertionSigner;
import dev.twofa.aws.KmsKeyWrapper;
import dev.twofa.aws.KmsKeyedHash;
import dev.twofa.aws.KmsSecretCipher;
import dev.twofa.port.AssertionSigner;
import dev.twofa.port.KeyWrapper;
import dev.twofa.port.KeyedHash;
import dev.twofa.port.SecretCipher;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.kms.KmsClient;

/** The KMS adapters, on one client, reached on first use only (see {@link DynamoDbAdapters}). */
final class KmsAdapters {
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

    /** SnapStart priming: DescribeKey of each key in use, a read of key metadata only (no key material). */
    void prime() {
        for (String keyId : keyIds) {
            kms.describeKey(r -> r.keyId(keyId));
        }
    }
}
