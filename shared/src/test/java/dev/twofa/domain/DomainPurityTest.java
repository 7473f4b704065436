package dev.twofa.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The domain must stay free of AWS, I/O and AWT (docs/standards.md, code rule 3): it is the part every function links
 * and every test runs without emulators.
 */
class DomainPurityTest {

    private static final Path DOMAIN_SOURCES = Path.of("src/main/java/dev/twofa/domain");

    private static final List<String> FORBIDDEN_IMPORTS = List.of(
            "import software.amazon.",
            "import com.amazonaws.",
            "import java.io.",
            "import java.nio.file.",
            "import java.net.",
            "import java.awt.",
            "import javax.imageio.");

    @Test
    void domainSources_importNoAwsIoOrAwt() throws IOException {
        assertThat(DOMAIN_SOURCES).isDirectory();
        try (Stream<Path> files = Files.walk(DOMAIN_SOURCES, FileVisitOption.FOLLOW_LINKS)) {
            List<Path> sources =
                    files.filter(p -> p.toString().endsWith(".java")).toList();
            assertThat(sources).isNotEmpty();
            for (Path source : sources) {
                String text = Files.readString(source, StandardCharsets.UTF_8);
                for (String forbidden : FORBIDDEN_IMPORTS) {
                    assertThat(text).as(source + " must not use " + forbidden).doesNotContain(forbidden);
                }
                // Time is passed in (docs/standards.md, code rule 2): the logic never reads the clock itself.
                assertThat(text)
                        .as(source + " must not read the clock")
                        .doesNotContain("Instant.now(")
                        .doesNotContain("System.currentTimeMillis(")
                        .doesNotContain("Clock.system");
                // Every secret from a CSPRNG.
                assertThat(text).as(source + " must not use java.util.Random").doesNotContain("java.util.Random");
            }
        }
    }
}
