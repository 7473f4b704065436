package dev.twofa.it.deployment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The repository root (system property twofa.repoRoot, set by the pom) and the files the tests read. */
public final class Repo {
    private Repo() {}

    public static Path root() {
        return Path.of(System.getProperty("twofa.repoRoot", "../.."))
                .toAbsolutePath()
                .normalize();
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** events/*.json, except the scenarios index. */
    static List<Path> eventFiles() {
        try (Stream<Path> files = Files.list(root().resolve("events"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .filter(p -> !p.getFileName().toString().equals(Scenarios.INDEX))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
