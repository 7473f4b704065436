package dev.twofa.envelope;

import dev.twofa.port.KeyItems;
import dev.twofa.port.KeyWrapper;
import dev.twofa.port.SecretIntegrityException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.AEADBadTagException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Unit-test stand-ins for the two envelope ports, counting their calls: a key table with the
 * conditional create the DynamoDB adapter has, and a wrapper that binds the encryption context as
 * AES-GCM associated data as KMS binds it. The AWS adapters are tested against DynamoDB Local and
 * moto in tests/integration (EnvelopeKeysIT).
 */
final class InMemoryKeys {
    private InMemoryKeys() {}

    static final class Items implements KeyItems {
        final Map<String, Map<Integer, StoredKey>> families = new ConcurrentHashMap<>();
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger writes = new AtomicInteger();

        @Override
        public List<StoredKey> keys(String family) {
            reads.incrementAndGet();
            List<StoredKey> keys =
                    new ArrayList<>(families.getOrDefault(family, Map.of()).values());
            keys.sort(Comparator.comparingInt(StoredKey::generation));
            return List.copyOf(keys);
        }

        @Override
        public boolean add(String family, StoredKey key) {
            writes.incrementAndGet();
            return families.computeIfAbsent(family, f -> new ConcurrentHashMap<>())
                            .putIfAbsent(key.generation(), key)
                    == null;
        }

        /** Replaces an item as a table writer without KMS could. */
        void replace(String family, StoredKey key) {
            families.get(family).put(key.generation(), key);
        }
    }

    static final class Wrapper implements KeyWrapper {
        private final SecretKeySpec master;
        private final SecureRandom random = new SecureRandom();
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger unwraps = new AtomicInteger();

        Wrapper() {
            byte[] key = new byte[32];
            random.nextBytes(key);
            master = new SecretKeySpec(key, "AES");
        }

        @Override
        public DataKey generateDataKey(Map<String, String> context) {
            calls.incrementAndGet();
            byte[] key = new byte[32];
            random.nextBytes(key);
            return new DataKey(key.clone(), AesGcm.seal(master, random, key, aad(context)));
        }

        @Override
        public byte[] wrap(byte[] plaintext, Map<String, String> context) {
            calls.incrementAndGet();
            return AesGcm.seal(master, random, plaintext, aad(context));
        }

        @Override
        public byte[] unwrap(byte[] wrapped, Map<String, String> context) {
            calls.incrementAndGet();
            unwraps.incrementAndGet();
            try {
                return AesGcm.open(master, wrapped, 0, aad(context));
            } catch (AEADBadTagException e) {
                throw new SecretIntegrityException("wrapped key not bound to its context", e);
            }
        }

        private static byte[] aad(Map<String, String> context) {
            return new TreeMap<>(context).toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
