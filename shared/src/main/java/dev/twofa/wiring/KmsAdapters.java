package dev.twofa.wiring;

import dev.twofa.aws.KmsAssertionSigner;
import dev.twofa.aws.KmsKeyedHash;
import dev.twofa.aws.KmsSecretCipher;
import dev.twofa.port.AssertionSigner;
import dev.twofa.port.KeyedHash;
import dev.twofa.port.SecretCipher;
import software.amazon.awssdk.services.kms.KmsClient;

/** The KMS adapters, on one client, reached on first use only (see {@link DynamoDbAdapters}). */
final class KmsAdapters {
    private final KmsClient kms;

    KmsAdapters(AwsClients clients) {
        this.kms = clients.build(KmsClient.builder());
    }

    SecretCipher cipher(String keyId) {
        return new KmsSecretCipher(kms, keyId);
    }

    KeyedHash keyedHash(String keyId) {
        return new KmsKeyedHash(kms, keyId);
    }

    AssertionSigner assertionSigner(String keyId) {
        return new KmsAssertionSigner(kms, keyId);
    }
}
