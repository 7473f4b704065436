package dev.twofa.envelope;

import dev.twofa.port.AssertionSigner;
import dev.twofa.port.KeyItems;
import dev.twofa.port.KeyItems.StoredKey;
import dev.twofa.port.KeyWrapper;
import dev.twofa.port.PublishedKey;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * ES256 in memory with envelope keys: each P-256 key pair is generated here, its private half stored
 * only wrapped by the key service (KMS Encrypt under the stack's symmetric key, encryption context
 * {purpose, kid}) in the {@value #FAMILY} item family, unwrapped once per instance the first time it
 * signs (after a SnapStart restore: nothing here runs at init or in priming), then used in memory. A
 * sign-in therefore makes no KMS call; the JWKS and step-up checks read public halves only, no KMS.
 *
 * <p>Keys rotate by {@link KeySchedule}: the instance that signs when a rotation is due creates the
 * next generation (a conditional write, so racing instances create one), published ahead of use.
 * Instances re-read the key items every {@link #REFRESH} (one Query), and sooner when asked for a kid
 * they do not know.
 *
 * <p>Integrity: an item is used only if its kid is the RFC 7638 thumbprint of its public key; the
 * wrapped private key is bound to that kid by the encryption context and carries the public key
 * inside, which must match the item's. A table writer without KMS can neither sign nor make us sign
 * with a key of theirs: such items fail to unwrap, and signing fails closed.
 */
public final class EnvelopeAssertionSigner implements AssertionSigner {
    public static final String FAMILY = "assertion";
    /** The encryption context's purpose: the key policy lets the functions wrap nothing else under it. */
    public static final String PURPOSE = "assertion-signing-key";
    /** How stale an instance's view of the key items may get (one Query per instance per period). */
    public static final Duration REFRESH = Duration.ofMinutes(5);
    /** At most one extra read per this period for a kid the instance does not know. */
    static final Duration UNKNOWN_KID_REFRESH = Duration.ofSeconds(30);

    private final KeyItems items;
    private final Supplier<KeyWrapper> wrapper;
    private final KeySchedule schedule;
    private final SecureRandom random;
    private final Clock clock;
    private final Map<String, PrivateKey> privateKeys = new ConcurrentHashMap<>();
    private volatile View view;

    private record View(List<StoredKey> keys, Map<String, PublishedKey> publicKeys, Instant readAt) {}

    /**
     * Builds nothing and calls nothing. {@code wrapper} is asked for only when a key is unwrapped or
     * created, so a function that only publishes or checks keys (jwks, step-up) needs no KMS client.
     */
    public EnvelopeAssertionSigner(
            KeyItems items, Supplier<KeyWrapper> wrapper, KeySchedule schedule, SecureRandom random, Clock clock) {
        this.items = items;
        this.wrapper = wrapper;
        this.schedule = schedule;
        this.random = random;
        this.clock = clock;
    }

    static Map<String, String> context(String kid) {
        return Map.of("purpose", PURPOSE, "kid", kid);
    }

    /**
     * Reads the key items and unwraps the signing key, if any key is published (creating none when none
     * is): what the first signature would do, done ahead. For SnapStart's afterRestore, so a restored
     * instance's first sign-in does not wait on it; never before the snapshot.
     */
    public void loadKeys() {
        if (!publishedKeys().isEmpty()) {
            signingKey();
        }
    }

    @Override
    public SigningKey signingKey() {
        Instant now = clock.instant();
        View current = view(now);
        if (schedule.nextKeyActiveFrom(current.keys(), now).isPresent()) {
            current = createNext(now);
        }
        StoredKey signing = schedule.signing(current.keys(), now)
                .orElseThrow(() -> new IllegalStateException("no assertion key is active"));
        PrivateKey key = privateKeys.computeIfAbsent(signing.kid(), kid -> unwrap(signing));
        String kid = signing.kid();
        return new SigningKey() {
            @Override
            public String kid() {
                return kid;
            }

            @Override
            public byte[] sign(byte[] signingInput) {
                return es256(key, signingInput, random);
            }
        };
    }

    @Override
    public List<PublishedKey> publishedKeys() {
        Instant now = clock.instant();
        View current = view(now);
        return schedule.published(current.keys(), now).stream()
                .map(k -> current.publicKeys().get(k.kid()))
                .toList();
    }

    @Override
    public Optional<PublishedKey> publishedKey(String kid) {
        Instant now = clock.instant();
        View current = view(now);
        if (!current.publicKeys().containsKey(kid)
                && !now.isBefore(current.readAt().plus(UNKNOWN_KID_REFRESH))) {
            current = read(now);
        }
        View known = current;
        return schedule.published(known.keys(), now).stream()
                .filter(k -> k.kid().equals(kid))
                .findFirst()
                .map(k -> known.publicKeys().get(kid));
    }

    private View view(Instant now) {
        View known = view;
        if (known == null || !now.isBefore(known.readAt().plus(REFRESH)) || now.isBefore(known.readAt())) {
            known = read(now);
        }
        return known;
    }

    /** The key items, less any whose kid is not its public key's thumbprint (tampered: never published). */
    private View read(Instant now) {
        List<StoredKey> valid = new ArrayList<>();
        Map<String, PublishedKey> publicKeys = new ConcurrentHashMap<>();
        for (StoredKey key : items.keys(FAMILY)) {
            publicKey(key).ifPresent(published -> {
                valid.add(key);
                publicKeys.put(key.kid(), published);
            });
        }
        View fresh = new View(List.copyOf(valid), Map.copyOf(publicKeys), now);
        view = fresh;
        return fresh;
    }

    private static Optional<PublishedKey> publicKey(StoredKey key) {
        try {
            PublishedKey published = PublishedKey.of(
                    (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(key.publicKey())));
            return published.kid().equals(key.kid()) ? Optional.of(published) : Optional.empty();
        } catch (GeneralSecurityException | ClassCastException e) {
            return Optional.empty();
        }
    }

    /**
     * Generates the next key pair and writes its generation conditionally. The winner of a race uses
     * its key without unwrapping it; a loser forgets its own and reads the winner's.
     */
    private synchronized View createNext(Instant now) {
        View current = read(now);
        Optional<Instant> activeFrom = schedule.nextKeyActiveFrom(current.keys(), now);
        if (activeFrom.isEmpty()) {
            return current;
        }
        int generation = current.keys().isEmpty() ? 1 : current.keys().getLast().generation() + 1;
        KeyPair pair = generate();
        byte[] spki = pair.getPublic().getEncoded();
        String kid = PublishedKey.of((ECPublicKey) pair.getPublic()).kid();
        byte[] plaintext = sealedForm(pair.getPrivate().getEncoded(), spki);
        byte[] wrapped;
        try {
            wrapped = wrapper.get().wrap(plaintext, context(kid));
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
        if (items.add(FAMILY, new StoredKey(generation, kid, spki, wrapped, activeFrom.get()))) {
            privateKeys.put(kid, pair.getPrivate());
        }
        return read(now);
    }

    private KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 unavailable", e);
        }
    }

    /** What is wrapped: the PKCS#8 private key, then the public key it belongs to (both length-prefixed). */
    private static byte[] sealedForm(byte[] pkcs8, byte[] spki) {
        return ByteBuffer.allocate(8 + pkcs8.length + spki.length)
                .putInt(pkcs8.length)
                .put(pkcs8)
                .putInt(spki.length)
                .put(spki)
                .array();
    }

    private PrivateKey unwrap(StoredKey key) {
        byte[] plaintext = wrapper.get().unwrap(key.wrappedKey(), context(key.kid()));
        try {
            ByteBuffer in = ByteBuffer.wrap(plaintext);
            byte[] pkcs8 = new byte[in.getInt()];
            in.get(pkcs8);
            byte[] spki = new byte[in.getInt()];
            in.get(spki);
            if (in.hasRemaining() || !Arrays.equals(spki, key.publicKey())) {
                throw new IllegalStateException("assertion key " + key.kid() + " does not match its public key");
            }
            PrivateKey privateKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            Arrays.fill(pkcs8, (byte) 0);
            return privateKey;
        } catch (GeneralSecurityException | RuntimeException e) {
            if (e instanceof IllegalStateException known) {
                throw known;
            }
            throw new IllegalStateException("assertion key " + key.kid() + " is malformed", e);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** P1363 format is JOSE's R ‖ S directly; the nonce comes from {@code random}, drawn per signature. */
    static byte[] es256(PrivateKey key, byte[] signingInput, SecureRandom random) {
        try {
            Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
            signature.initSign(key, random);
            signature.update(signingInput);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ES256 unavailable", e);
        }
    }
}
