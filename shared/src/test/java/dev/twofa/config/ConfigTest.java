package dev.twofa.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

    @Test
    void missingVariable_failsNamingIt() {
        assertThatThrownBy(() -> new Config(Map.of()).required("TABLE_NAME"))
                .isInstanceOf(Config.ConfigException.class)
                .hasMessage("Environment variable TABLE_NAME is not set");
    }

    @Test
    void url_mustBeAbsoluteHttp_andTheValueIsNotEchoed() {
        assertThatThrownBy(() -> new Config(Map.of("APP_BASE_URL", "ftp://secret-host")).url("APP_BASE_URL"))
                .hasMessageContaining("APP_BASE_URL")
                .hasMessageNotContaining("secret-host");
        assertThat(new Config(Map.of("APP_BASE_URL", "https://app.example.com"))
                        .url("APP_BASE_URL")
                        .getHost())
                .isEqualTo("app.example.com");
    }

    @Test
    void seconds_areBoundedAndDefaulted() {
        Duration min = Duration.ofMinutes(1);
        Duration max = Duration.ofMinutes(30);
        assertThat(new Config(Map.of()).seconds("T", Duration.ofMinutes(15), min, max))
                .isEqualTo(Duration.ofMinutes(15));
        assertThat(new Config(Map.of("T", "600")).seconds("T", Duration.ZERO, min, max))
                .isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> new Config(Map.of("T", "3600")).seconds("T", Duration.ZERO, min, max))
                .hasMessageContaining("between 60 and 1800");
        assertThatThrownBy(() -> new Config(Map.of("T", "abc")).seconds("T", Duration.ZERO, min, max))
                .hasMessageContaining("whole number");
    }
}
