package dev.twofa.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twofa.app.Jwks;
import dev.twofa.app.api.Principal;
import dev.twofa.app.common.AssertionIssuer;
import dev.twofa.app.common.AssertionVerifier;
import dev.twofa.config.AssertionSettings;
import dev.twofa.port.KeyItems.StoredKey;
import dev.twofa.port.PublishedKey;
import dev.twofa.port.SecretIntegrityException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class EnvelopeAssertionSignerTest {
    private static final AssertionSettings SETTINGS =
            new AssertionSettings("https://2fa.test", "app.test", Duration.ofMinutes(5));
    private static final KeySchedule SCHEDULE = new KeySchedule(Duration.ofDays(30), Duration.ofDays(1));

    private final InMemoryKeys.Items items = new InMemoryKeys.Items();
    private final InMemoryKeys.Wrapper wrapper = new InMemoryKeys.Wrapper();
    private final TestClock clock = new TestClock(Instant.parse("2026-12-01T06:00:00Z"));

    private EnvelopeAssertionSigner instance() {
        return new EnvelopeAssertionSigner(items, () -> wrapper, SCHEDULE, new SecureRandom(), clock);
    }

    private String issue(EnvelopeAssertionSigner signer, String user) {
        return new AssertionIssuer(signer, SETTINGS, new SecureRandom())
                .issue(new Principal(user, null), "totp", clock.instant(), Optional.empty());
    }

    private boolean verifies(EnvelopeAssertionSigner signer, String user, String token) {
        return new AssertionVerifier(signer, SETTINGS)
                .check(user, token, clock.instant())
                .isPresent();
    }

    private static String kidOf(String token) {
        String header = new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
        return header.replaceAll(".*\"kid\":\"([^\"]+)\".*", "$1");
    }

    @Test
    void construction_readsNothing_unwrapsNothing() {
        // Priming and SnapStart init build the signer: no key may enter the snapshot.
        instance();

        assertThat(items.reads).hasValue(0);
        assertThat(wrapper.calls).hasValue(0);
    }

    @Test
    void firstSignature_createsTheKey_andAnotherInstanceVerifiesIt_withoutAnyKmsCall() {
        String token = issue(instance(), "user-1");
        int kmsCallsSoFar = wrapper.calls.get();

        EnvelopeAssertionSigner verifierInstance = instance();
        assertThat(verifies(verifierInstance, "user-1", token)).isTrue();
        assertThat(new Jwks(verifierInstance).document().get("keys")).asList().hasSize(1);
        assertThat(wrapper.calls)
                .as("publishing and verifying read public halves only")
                .hasValue(kmsCallsSoFar);
    }

    @Test
    void signing_unwrapsOncePerInstance_andReadsTheKeyItemsOncePerRefreshPeriod() {
        issue(instance(), "user-1");
        EnvelopeAssertionSigner signer = instance();
        int reads = items.reads.get();

        for (int i = 0; i < 10; i++) {
            issue(signer, "user-1");
            clock.advance(Duration.ofSeconds(10));
        }

        assertThat(wrapper.unwraps).hasValue(1);
        assertThat(items.reads.get() - reads).isEqualTo(1);
        clock.advance(EnvelopeAssertionSigner.REFRESH);
        issue(signer, "user-1");
        assertThat(items.reads.get() - reads).isEqualTo(2);
    }

    @Test
    void anAssertionSignedByAKeyWeDoNotPublish_isRejected() throws Exception {
        // GIVEN a published key, and a token signed with another P-256 key under that key's kid
        EnvelopeAssertionSigner signer = instance();
        String genuine = issue(signer, "user-1");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair foreign = generator.generateKeyPair();
        String[] parts = genuine.split("\\.");
        Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
        es256.initSign(foreign.getPrivate());
        es256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        String forged = parts[0] + "." + parts[1] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(es256.sign());

        // AND one whose kid is the foreign key's own (never published)
        String foreignKid = PublishedKey.of((ECPublicKey) foreign.getPublic()).kid();
        String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8)
                .replace(kidOf(genuine), foreignKid);
        String headerPart =
                Base64.getUrlEncoder().withoutPadding().encodeToString(header.getBytes(StandardCharsets.UTF_8));
        es256.initSign(foreign.getPrivate());
        es256.update((headerPart + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        String unpublished = headerPart + "." + parts[1] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(es256.sign());

        // THEN only the genuine one verifies
        assertThat(verifies(instance(), "user-1", genuine)).isTrue();
        assertThat(verifies(instance(), "user-1", forged)).isFalse();
        assertThat(verifies(instance(), "user-1", unpublished)).isFalse();
    }

    @Test
    void rotation_publishesTheNewKeyAhead_switchesOnTime_andKeepsTheOldOneUntilItsAssertionsExpire() {
        // GIVEN a key in use for almost a rotation period
        EnvelopeAssertionSigner signer = instance();
        String first = issue(signer, "user-1");
        clock.advance(Duration.ofDays(29).plusMinutes(1));

        // WHEN the rotation falls due: the next key is created, published, but does not sign yet
        String stillOld = issue(signer, "user-1");
        EnvelopeAssertionSigner relyingView = instance();
        assertThat(items.keys(EnvelopeAssertionSigner.FAMILY)).hasSize(2);
        assertThat(kidOf(stillOld)).isEqualTo(kidOf(first));
        assertThat(relyingView.publishedKeys()).hasSize(2);

        // THEN once its publish-ahead day is over it signs, and the old key stays published 5 min + margin
        clock.advance(Duration.ofDays(1));
        String newest = issue(signer, "user-1");
        assertThat(kidOf(newest)).isNotEqualTo(kidOf(first));
        assertThat(verifies(instance(), "user-1", newest)).isTrue();
        clock.advance(Duration.ofMinutes(4));
        assertThat(verifies(instance(), "user-1", newest)).isTrue();
        assertThat(instance().publishedKeys()).hasSize(2);
        clock.advance(KeySchedule.RETIRED_KEPT);
        assertThat(instance().publishedKeys()).extracting(PublishedKey::kid).containsExactly(kidOf(newest));
        assertThat(items.keys(EnvelopeAssertionSigner.FAMILY)).hasSize(2);
    }

    @Test
    void anAssertionOfTheOldKey_signedJustBeforeTheSwitch_verifiesUntilItExpires() {
        EnvelopeAssertionSigner signer = instance();
        issue(signer, "user-1");
        clock.advance(Duration.ofDays(29).plusMinutes(1));
        issue(signer, "user-1"); // creates the next key, a day ahead
        clock.advance(Duration.ofDays(1).minusSeconds(1));
        String lastOfOldKey = issue(signer, "user-1");

        clock.advance(Duration.ofMinutes(4).plusSeconds(50));
        assertThat(kidOf(issue(signer, "user-1"))).isNotEqualTo(kidOf(lastOfOldKey));
        assertThat(verifies(instance(), "user-1", lastOfOldKey)).isTrue();
    }

    @Test
    void firstUse_racingInstances_createExactlyOneKey() throws Exception {
        int racers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        List<Future<String>> tokens = new ArrayList<>();
        try {
            for (int i = 0; i < racers; i++) {
                EnvelopeAssertionSigner racer = instance();
                tokens.add(pool.submit(() -> {
                    start.await();
                    return issue(racer, "user-1");
                }));
            }
            start.countDown();
            for (Future<String> token : tokens) {
                assertThat(verifies(instance(), "user-1", token.get())).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(items.keys(EnvelopeAssertionSigner.FAMILY)).hasSize(1);
        assertThat(tokens.stream().map(t -> kidOf(resolve(t))).distinct()).hasSize(1);
    }

    @Test
    void aKeyItemWhosePublicKeyWasReplaced_isNeitherPublishedNorUsed() throws Exception {
        // GIVEN a table writer without KMS who puts their public key into our item (keeping our kid)
        issue(instance(), "user-1");
        StoredKey real = items.keys(EnvelopeAssertionSigner.FAMILY).getFirst();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        byte[] theirs = generator.generateKeyPair().getPublic().getEncoded();
        items.replace(
                EnvelopeAssertionSigner.FAMILY,
                new StoredKey(1, real.kid(), theirs, real.wrappedKey(), real.activeFrom()));

        // THEN the item is not published (its kid is not its key's thumbprint) ...
        assertThat(instance().publishedKeys()).isEmpty();
        // ... and with the kid changed to match, the wrapped key (bound to our kid) does not unwrap
        String theirKid = PublishedKey.of((ECPublicKey) java.security.KeyFactory.getInstance("EC")
                        .generatePublic(new java.security.spec.X509EncodedKeySpec(theirs)))
                .kid();
        items.replace(
                EnvelopeAssertionSigner.FAMILY,
                new StoredKey(1, theirKid, theirs, real.wrappedKey(), real.activeFrom()));
        assertThatThrownBy(() -> issue(instance(), "user-1")).isInstanceOf(SecretIntegrityException.class);
    }

    @Test
    void aWrappedKeyMovedFromAnotherGeneration_doesNotUnwrap() {
        // GIVEN two generations, and the newer one's wrapped key replaced by the older one's
        EnvelopeAssertionSigner signer = instance();
        issue(signer, "user-1");
        clock.advance(Duration.ofDays(29).plusMinutes(1));
        issue(signer, "user-1");
        clock.advance(Duration.ofDays(1));
        List<StoredKey> keys = items.keys(EnvelopeAssertionSigner.FAMILY);
        StoredKey newer = keys.get(1);
        items.replace(
                EnvelopeAssertionSigner.FAMILY,
                new StoredKey(2, newer.kid(), newer.publicKey(), keys.get(0).wrappedKey(), newer.activeFrom()));

        assertThatThrownBy(() -> issue(instance(), "user-1")).isInstanceOf(SecretIntegrityException.class);
    }

    private static String resolve(Future<String> token) {
        try {
            return token.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        private volatile Instant now;

        TestClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
