package dev.twofa.port;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Where wrapped keys are kept (the DynamoDB table in AWS): one family of items per use, each key a
 * generation. Generations are created by a conditional write, so instances racing to create the same
 * generation create one key, and every other racer reads the winner's.
 */
public interface KeyItems {

    /**
     * One key of a family.
     *
     * @param generation 1, 2, ...: the order of creation, and what makes a creation race have one winner
     * @param kid the key's id, part of the encryption context its wrapped form is bound to
     * @param publicKey X.509 SubjectPublicKeyInfo of an asymmetric key; empty for a symmetric data key
     * @param wrappedKey the key as the key service wrapped it
     * @param activeFrom when it starts being used (later than its creation for a key published ahead)
     */
    record StoredKey(int generation, String kid, byte[] publicKey, byte[] wrappedKey, Instant activeFrom) {
        public StoredKey {
            Objects.requireNonNull(kid, "kid");
            Objects.requireNonNull(publicKey, "publicKey");
            Objects.requireNonNull(wrappedKey, "wrappedKey");
            Objects.requireNonNull(activeFrom, "activeFrom");
            if (generation < 1) {
                throw new IllegalArgumentException("generation starts at 1");
            }
        }
    }

    /** The family's keys, oldest generation first, read strongly consistent (a race loser sees the winner). */
    List<StoredKey> keys(String family);

    /** Adds a key unless its generation exists; false when another writer created that generation first. */
    boolean add(String family, StoredKey key);
}
