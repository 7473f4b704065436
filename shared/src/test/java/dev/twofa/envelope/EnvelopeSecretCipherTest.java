package dev.twofa.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twofa.port.KeyItems.StoredKey;
import dev.twofa.port.SecretCipher;
import dev.twofa.port.SecretContext;
import dev.twofa.port.SecretIntegrityException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class EnvelopeSecretCipherTest {
    private static final byte[] SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T06:00:00Z"), ZoneOffset.UTC);

    private final InMemoryKeys.Items items = new InMemoryKeys.Items();
    private final InMemoryKeys.Wrapper wrapper = new InMemoryKeys.Wrapper();

    private EnvelopeSecretCipher instance() {
        return new EnvelopeSecretCipher(items, () -> wrapper, new SecureRandom(), CLOCK);
    }

    @Test
    void construction_readsNothing_unwrapsNothing() {
        // Priming and SnapStart init build the cipher: the data key must not enter the snapshot.
        instance();

        assertThat(items.reads).hasValue(0);
        assertThat(wrapper.calls).hasValue(0);
    }

    @Test
    void encrypt_thenDecrypt_onAnotherInstance_givesThePlaintext_withOneUnwrapPerInstance() {
        byte[] sealed = instance().encrypt(SECRET, SecretContext.totpSecret("user-1"));
        EnvelopeSecretCipher other = instance();

        assertThat(other.decrypt(sealed, SecretContext.totpSecret("user-1"))).isEqualTo(SECRET);
        assertThat(other.decrypt(sealed, SecretContext.totpSecret("user-1"))).isEqualTo(SECRET);
        assertThat(wrapper.unwraps)
                .as("the data key is unwrapped once per instance")
                .hasValue(1);
        assertThat(sealed).startsWith(0x00, 0x01, 0, 0, 0, 1);
    }

    @Test
    void decrypt_ofACiphertextMovedToAnotherUser_fails() {
        byte[] sealed = instance().encrypt(SECRET, SecretContext.totpSecret("victim"));

        assertThatThrownBy(() -> instance().decrypt(sealed, SecretContext.totpSecret("attacker")))
                .isInstanceOf(SecretIntegrityException.class);
    }

    @Test
    void decrypt_ofACiphertextMovedToAnotherPurpose_fails() {
        byte[] sealed = instance().encrypt(SECRET, SecretContext.smsPhone("user-1"));

        assertThatThrownBy(() -> instance().decrypt(sealed, SecretContext.totpSecret("user-1")))
                .isInstanceOf(SecretIntegrityException.class);
    }

    @Test
    void decrypt_ofAFlippedBit_fails() {
        byte[] sealed = instance().encrypt(SECRET, SecretContext.totpSecret("user-1"));
        sealed[sealed.length - 1] ^= 1;

        assertThatThrownBy(() -> instance().decrypt(sealed, SecretContext.totpSecret("user-1")))
                .isInstanceOf(SecretIntegrityException.class);
    }

    @Test
    void aDataKeyItemReplacedWithoutKms_failsToUnwrap() {
        // GIVEN a data key, and a table writer who puts in a key of their own (they cannot wrap it)
        byte[] sealed = instance().encrypt(SECRET, SecretContext.totpSecret("user-1"));
        StoredKey real = items.keys(EnvelopeSecretCipher.FAMILY).getFirst();
        items.replace(
                EnvelopeSecretCipher.FAMILY,
                new StoredKey(1, real.kid(), new byte[0], new byte[60], real.activeFrom()));

        // THEN a fresh instance refuses it, rather than decrypting or encrypting under it
        assertThatThrownBy(() -> instance().decrypt(sealed, SecretContext.totpSecret("user-1")))
                .isInstanceOf(SecretIntegrityException.class);
        assertThatThrownBy(() -> instance().encrypt(SECRET, SecretContext.totpSecret("user-2")))
                .isInstanceOf(SecretIntegrityException.class);
    }

    @Test
    void firstUse_racingInstances_createExactlyOneDataKey_andAllReadEachOther() throws Exception {
        int racers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                EnvelopeSecretCipher racer = instance();
                Callable<byte[]> task = () -> {
                    start.await();
                    return racer.encrypt(SECRET, SecretContext.totpSecret("user-1"));
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            for (Future<byte[]> result : results) {
                assertThat(instance().decrypt(result.get(), SecretContext.totpSecret("user-1")))
                        .isEqualTo(SECRET);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(items.keys(EnvelopeSecretCipher.FAMILY)).hasSize(1);
    }

    @Test
    void secretFormat_readsBothFormats_whicheverModeWrites() {
        // GIVEN ciphertexts written in each mode (a stand-in KMS blob starts with 0x01, as AWS's do)
        SecretCipher kms = new FakeKmsCipher();
        EnvelopeSecretCipher envelope = instance();
        SecretContext context = SecretContext.totpSecret("user-1");
        byte[] writtenInKmsMode = new SecretFormat(false, kms, envelope).encrypt(SECRET, context);
        byte[] writtenInEnvelopeMode = new SecretFormat(true, kms, envelope).encrypt(SECRET, context);

        // THEN after the operator switches either way, both still decrypt
        for (boolean envelopeWrites : new boolean[] {true, false}) {
            SecretFormat switched = new SecretFormat(envelopeWrites, kms, instance());
            assertThat(switched.decrypt(writtenInKmsMode, context)).isEqualTo(SECRET);
            assertThat(switched.decrypt(writtenInEnvelopeMode, context)).isEqualTo(SECRET);
        }
        assertThat(writtenInKmsMode[0]).isEqualTo((byte) 0x01);
        assertThat(writtenInEnvelopeMode[0]).isEqualTo((byte) 0x00);
    }

    /** A KMS-like blob: version byte 0x01, then the plaintext bound to its context by equality. */
    private static final class FakeKmsCipher implements SecretCipher {
        @Override
        public byte[] encrypt(byte[] plaintext, SecretContext context) {
            byte[] bound = (context.userId() + "|" + context.purpose() + "|").getBytes(StandardCharsets.UTF_8);
            byte[] blob = new byte[1 + bound.length + plaintext.length];
            blob[0] = 0x01;
            System.arraycopy(bound, 0, blob, 1, bound.length);
            System.arraycopy(plaintext, 0, blob, 1 + bound.length, plaintext.length);
            return blob;
        }

        @Override
        public byte[] decrypt(byte[] ciphertext, SecretContext context) {
            byte[] bound = (context.userId() + "|" + context.purpose() + "|").getBytes(StandardCharsets.UTF_8);
            byte[] plaintext = new byte[ciphertext.length - 1 - bound.length];
            System.arraycopy(ciphertext, 1 + bound.length, plaintext, 0, plaintext.length);
            return plaintext;
        }
    }
}
