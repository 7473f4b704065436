package dev.twofa.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: one vocabulary for what users read — the web client, the emails and text messages
 * (Notifications, SmsSend) and the problem details the client shows. The method names are
 * "Two-factor authentication", "authenticator app" and "text message (SMS)"; the names the
 * first-time user tripped over ("SMS verification", "Two-step verification") appear nowhere.
 */
class VocabularyTest {
    private static final List<String> BANNED =
            List.of("sms verification", "two-step", "2-step", "text message verification", "step verification");

    @Test
    void theWebClient_theEmails_andTheApiTexts_useOneVocabulary() throws IOException {
        Path root = LocalRunFixture.repoRoot();
        List<Path> texts = new ArrayList<>();
        for (String folder : List.of("web", "shared/src/main/java")) {
            try (Stream<Path> files = Files.walk(root.resolve(folder))) {
                files.filter(Files::isRegularFile)
                        .filter(f -> f.toString().matches(".*\\.(js|html|css|java)$"))
                        .forEach(texts::add);
            }
        }
        assertThat(texts).as("files scanned").hasSizeGreaterThan(50);
        assertThat(texts).contains(root.resolve("shared/src/main/java/dev/twofa/app/common/Notifications.java"));

        List<String> found = new ArrayList<>();
        for (Path file : texts) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).toLowerCase(Locale.ROOT);
                for (String banned : BANNED) {
                    if (line.contains(banned)) {
                        found.add(root.relativize(file) + ":" + (i + 1) + ": "
                                + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(found)
                .as("texts naming a method otherwise than the one vocabulary")
                .isEmpty();
    }

    @Test
    void theEmailsAboutAMethod_nameItAndTwoFactorAuthentication() throws IOException {
        String notifications = Files.readString(
                LocalRunFixture.repoRoot().resolve("shared/src/main/java/dev/twofa/app/common/Notifications.java"),
                StandardCharsets.UTF_8);
        assertThat(notifications)
                .contains(
                        "\"Text message (SMS) turned on for two-factor authentication\"",
                        "\"Text message (SMS) turned off for two-factor authentication\"",
                        "\"Authenticator app turned off for two-factor authentication\"",
                        "\"A device was remembered for two-factor authentication\"");
    }
}
