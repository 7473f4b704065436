package dev.twofa.domain.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class UserAgentTest {

    @ParameterizedTest(name = "{1} on {2}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
        Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 | Chrome | Windows
        Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0 | Edge | Windows
        Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15 | Safari | macOS
        Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0 | Firefox | macOS
        Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1 | Safari | iOS
        Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1 | Chrome | iOS
        Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15 | Firefox | iOS
        Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 | Chrome | Android
        Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36 | Chrome | Android
        Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0 | Opera | Linux
        Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36 | Headless Chrome | Linux
        Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 | Chrome | ChromeOS
        """)
    void knownBrowsers_areNamedWithTheirSystem(String header, String browser, String os) {
        assertThat(UserAgent.parse(header)).isEqualTo(new UserAgent(Optional.of(browser), Optional.of(os)));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "integration-test", "curl/8.5.0", "Java-http-client/21", "aws-sdk-java/2.29"})
    void otherClients_areUnknown_notGuessed(String header) {
        assertThat(UserAgent.parse(header)).isEqualTo(new UserAgent(Optional.empty(), Optional.empty()));
    }

    @ParameterizedTest
    @ValueSource(ints = {UserAgent.MAX_LENGTH + 1, 100_000})
    void anOverlongHeader_isNotLookedInto(int length) {
        String header = "Mozilla/5.0 (Windows NT 10.0) Chrome/131.0 " + "x".repeat(length);
        assertThat(UserAgent.parse(header).browser()).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void aSystemWithoutAKnownBrowser_isStillNamed() {
        assertThat(UserAgent.parse("python-requests/2.32 (Windows NT 10.0)"))
                .isEqualTo(new UserAgent(Optional.empty(), Optional.of("Windows")));
    }
}
