package dev.twofa.localrun;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * LOCAL_RUN_HOST names the run only as this computer: 127.0.0.1 (the default) or localhost (the
 * name a browser takes as a WebAuthn RP id). Any other name would make APP_BASE_URL, and so the
 * activation links and the allowed WebAuthn origin, point elsewhere: refused before anything starts.
 */
class LocalRunHostTest {
    @Test
    void aHostOtherThanThisComputer_isRefused() {
        for (String host : new String[] {"evil.example", "0.0.0.0", "127.0.0.2", "localhost.evil.example"}) {
            assertThatThrownBy(() -> LocalRun.start(LocalRun.Options.defaults()
                            .withTemplate(LocalRunFixture.repoRoot().resolve("template.yaml"))
                            .withPort(0)
                            .withEnv(Map.of(LocalRun.HOST_VARIABLE, host))))
                    .as(host)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("LOCAL_RUN_HOST must be 127.0.0.1 or localhost");
        }
    }
}
