package dev.twofa.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twofa.app.common.CodeVerifier;
import dev.twofa.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link Wiring#useCase} finds every use case by its factory method, with no second list to keep:
 * each class at the root of {@code dev.twofa.app} is one, and nothing else is handed out.
 */
class WiringUseCaseTest {

    private static final Map<String, String> ENV = Map.of(
            "APP_BASE_URL", "https://app.example.com",
            "SMS_ALLOWED_COUNTRIES", "DK",
            "ASSERTION_AUDIENCE", "https://app.example.com",
            "ASSERTION_ISSUER", "https://2fa.example.com");

    private final Wiring wiring = new Wiring(
            new FixedAdapters(null, null, null, null, null, null, null, null),
            new Config(ENV),
            Clock.systemUTC(),
            new SecureRandom());

    @Test
    void everyUseCase_isBuiltByItsFactoryMethod() throws Exception {
        List<String> useCases = useCaseNames();
        assertThat(useCases).hasSize(23);
        for (String name : useCases) {
            Class<?> type = Class.forName("dev.twofa.app." + name);
            assertThat(wiring.useCase(type)).as(name).isInstanceOf(type);
        }
    }

    @Test
    void aHelperOrAnyOtherType_isNotAUseCase() {
        assertThatThrownBy(() -> wiring.useCase(CodeVerifier.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CodeVerifier");
        assertThatThrownBy(() -> wiring.useCase(Config.class)).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> useCaseNames() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/java/dev/twofa/app"))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".java"))
                    .map(n -> n.substring(0, n.length() - ".java".length()))
                    .sorted()
                    .toList();
        }
    }
}
