package dev.twofa.localrun.adapters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/** A 256-bit key kept in a file readable only by its owner, generated on first use. */
final class KeyFiles {
    private KeyFiles() {}

    static byte[] loadOrCreate(Path keyFile, SecureRandom random) {
        try {
            if (Files.exists(keyFile)) {
                byte[] existing = Files.readAllBytes(keyFile);
                if (existing.length != 32) {
                    throw new IllegalStateException("key file " + keyFile + " must hold 32 bytes");
                }
                return existing;
            }
            Files.createDirectories(keyFile.toAbsolutePath().getParent());
            byte[] fresh = new byte[32];
            random.nextBytes(fresh);
            Files.write(keyFile, fresh, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            restrictToOwner(keyFile);
            return fresh;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the local key file " + keyFile, e);
        }
    }

    static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the file stays with the user's default ACL.
        }
    }
}
