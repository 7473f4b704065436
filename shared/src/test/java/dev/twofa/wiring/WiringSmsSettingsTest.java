package dev.twofa.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twofa.config.Config;
import dev.twofa.config.SmsSettings;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SMS settings as init reads them from the environment: bad values fail there, naming the variable. */
class WiringSmsSettingsTest {

    private static SmsSettings settings(Map<String, String> env) {
        Adapters none = new FixedAdapters(null, null, null, null, null, null, null, null);
        return new Wiring(none, new Config(env), Clock.systemUTC(), new SecureRandom()).smsSettings();
    }

    private static Map<String, String> with(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("SMS_ALLOWED_COUNTRIES", "DK"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void allowedCountries_isRequired_soNoDeploymentSendsEverywhereByOmission() {
        assertThatThrownBy(() -> settings(Map.of()))
                .isInstanceOf(Config.ConfigException.class)
                .hasMessageContaining("SMS_ALLOWED_COUNTRIES");
        assertThatThrownBy(() -> settings(Map.of("SMS_ALLOWED_COUNTRIES", " ")))
                .isInstanceOf(Config.ConfigException.class)
                .hasMessageContaining("SMS_ALLOWED_COUNTRIES");
    }

    @Test
    void allowedCountries_everyCountry_mustBeAskedForByName() {
        assertThat(settings(Map.of("SMS_ALLOWED_COUNTRIES", "ALL"))
                        .phoneNumbers()
                        .allowedRegions())
                .isEmpty();
    }

    @Test
    void allowedCountries_areReadAsUpperCaseIsoCodes() {
        assertThat(settings(Map.of("SMS_ALLOWED_COUNTRIES", "dk, se ,GB"))
                        .phoneNumbers()
                        .allowedRegions())
                .containsExactlyInAnyOrder("DK", "SE", "GB");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {",,", "UK", "DK,XX", "DNK", "ALL,DK", "*"})
    void allowedCountries_refusesWhatIsNotAListOfRegionsOrAll(String value) {
        assertThatThrownBy(() -> settings(Map.of("SMS_ALLOWED_COUNTRIES", value)))
                .isInstanceOf(Config.ConfigException.class)
                .hasMessageContaining("SMS_ALLOWED_COUNTRIES")
                .hasMessageNotContaining(value);
    }

    @Test
    void budgets_haveSafeDefaults_ofAnAccountHourAndAThirdOfItPerCountry() {
        SmsSettings settings = settings(with());

        assertThat(settings.accountBudget().perHour()).isEqualTo(SmsSettings.DEFAULT_HOURLY_BUDGET);
        assertThat(settings.countryBudget().perHour()).isEqualTo(SmsSettings.DEFAULT_COUNTRY_HOURLY_BUDGET);
    }

    @Test
    void budgets_areReadFromTheEnvironment() {
        SmsSettings settings = settings(with("SMS_HOURLY_BUDGET", "5000", "SMS_COUNTRY_HOURLY_BUDGET", "5000"));

        assertThat(settings.accountBudget().perHour()).isEqualTo(5000);
        assertThat(settings.countryBudget().perHour()).isEqualTo(5000);
    }

    @Test
    void countryBudget_aboveTheAccountBudget_failsAtInit_namingTheVariable() {
        assertThatThrownBy(() -> settings(with("SMS_HOURLY_BUDGET", "50", "SMS_COUNTRY_HOURLY_BUDGET", "51")))
                .isInstanceOf(Config.ConfigException.class)
                .hasMessageContaining("SMS_COUNTRY_HOURLY_BUDGET");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"0", "-1", "1000001", "many", "1.5"})
    void budget_outOfRangeOrNotANumber_failsAtInit(String value) {
        assertThatThrownBy(() -> settings(with("SMS_HOURLY_BUDGET", value)))
                .isInstanceOf(Config.ConfigException.class)
                .hasMessageContaining("SMS_HOURLY_BUDGET");
    }
}
