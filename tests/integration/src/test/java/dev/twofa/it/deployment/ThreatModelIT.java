package dev.twofa.it.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/threat-model.md names, for every attack, the test that plays it. A row naming a test that was
 * renamed or removed would be a defence nobody proves any more: every `Class.method` and `Class` it
 * names must be a test in the tree.
 */
class ThreatModelIT {
    private static final Pattern NAMED = Pattern.compile("`([A-Z][A-Za-z0-9]*(?:Test|IT))(?:\\.([A-Za-z0-9_]+))?`");

    @Test
    void everyTestTheThreatModelNames_exists() throws IOException {
        String model = Repo.read(Repo.root().resolve("docs/threat-model.md"));
        Map<String, Path> testSources = testSources();
        List<String> missing = new ArrayList<>();
        int named = 0;
        Matcher m = NAMED.matcher(model);
        while (m.find()) {
            named++;
            Path source = testSources.get(m.group(1));
            if (source == null) {
                missing.add(m.group(0) + " (no such test class)");
            } else if (m.group(2) != null
                    && !Pattern.compile("void\\s+" + Pattern.quote(m.group(2)) + "\\s*\\(")
                            .matcher(Repo.read(source))
                            .find()) {
                missing.add(m.group(0) + " (no such test method)");
            }
        }
        assertThat(named).as("tests named in the threat model").isGreaterThan(40);
        assertThat(missing)
                .as("docs/threat-model.md names tests that do not exist")
                .isEmpty();
    }

    private static Map<String, Path> testSources() {
        try (Stream<Path> files =
                Stream.of("shared", "tools", "tests").map(Repo.root()::resolve).flatMap(ThreatModelIT::walk)) {
            return files.filter(p -> p.toString().contains("/src/test/java/"))
                    .filter(p -> !p.toString().contains("/target/"))
                    .filter(p -> p.getFileName().toString().endsWith(".java"))
                    .collect(Collectors.toMap(
                            p -> p.getFileName().toString().replace(".java", ""), p -> p, (a, b) -> a));
        }
    }

    private static Stream<Path> walk(Path dir) {
        try {
            return Files.walk(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
