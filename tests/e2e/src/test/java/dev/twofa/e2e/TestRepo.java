package dev.twofa.e2e;

import java.nio.file.Path;

/** Where the repository is: template.yaml (and the web client's web/ beside it). */
final class TestRepo {
    private TestRepo() {}

    static Path root() {
        String root = System.getProperty("twofa.repoRoot");
        if (root != null) {
            return Path.of(root);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !dir.resolve("template.yaml").toFile().isFile()) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "no template.yaml above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
