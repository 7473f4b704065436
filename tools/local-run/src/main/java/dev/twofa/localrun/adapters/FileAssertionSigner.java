package dev.twofa.localrun.adapters;

import dev.twofa.port.AssertionSigner;
import dev.twofa.port.PublishedKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import java.util.List;

/** The local run's stand-in for the KMS signing key: a P-256 key pair kept in a file. */
public final class FileAssertionSigner implements AssertionSigner {
    private final PrivateKey privateKey;
    private final PublishedKey publicKey;
    private final SecureRandom random;

    public FileAssertionSigner(Path keyFile, SecureRandom random) {
        this.random = random;
        KeyPair pair = loadOrCreate(keyFile, random);
        this.privateKey = pair.getPrivate();
        this.publicKey = PublishedKey.of((ECPublicKey) pair.getPublic());
    }

    @Override
    public SigningKey signingKey() {
        return new SigningKey() {
            @Override
            public String kid() {
                return publicKey.kid();
            }

            @Override
            public byte[] sign(byte[] signingInput) {
                return es256(signingInput);
            }
        };
    }

    @Override
    public List<PublishedKey> publishedKeys() {
        return List.of(publicKey);
    }

    private byte[] es256(byte[] signingInput) {
        try {
            // P1363 format is JOSE's R ‖ S directly.
            Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
            signature.initSign(privateKey, random);
            signature.update(signingInput);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ES256 unavailable", e);
        }
    }

    /** File layout: length-prefixed PKCS#8 private key, then X.509 public key. */
    private static KeyPair loadOrCreate(Path file, SecureRandom random) {
        try {
            KeyFactory factory = KeyFactory.getInstance("EC");
            if (Files.exists(file)) {
                ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
                byte[] priv = new byte[in.getInt()];
                in.get(priv);
                byte[] pub = new byte[in.getInt()];
                in.get(pub);
                return new KeyPair(
                        factory.generatePublic(new X509EncodedKeySpec(pub)),
                        factory.generatePrivate(new PKCS8EncodedKeySpec(priv)));
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            byte[] priv = pair.getPrivate().getEncoded();
            byte[] pub = pair.getPublic().getEncoded();
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(
                    file,
                    ByteBuffer.allocate(8 + priv.length + pub.length)
                            .putInt(priv.length)
                            .put(priv)
                            .putInt(pub.length)
                            .put(pub)
                            .array(),
                    StandardOpenOption.CREATE_NEW);
            KeyFiles.restrictToOwner(file);
            return pair;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the local signing key " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 unavailable", e);
        }
    }
}
