package dev.twofa.localrun.adapters;

import dev.twofa.port.KeyedHash;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The local run's stand-in for KMS GenerateMac: HMAC-SHA256 under a key generated into a file. */
public final class FileKeyedHash implements KeyedHash {
    private final SecretKeySpec key;

    public FileKeyedHash(Path keyFile, SecureRandom random) {
        this.key = new SecretKeySpec(KeyFiles.loadOrCreate(keyFile, random), "HmacSHA256");
    }

    @Override
    public byte[] mac(byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
