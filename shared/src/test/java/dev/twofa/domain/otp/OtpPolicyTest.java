package dev.twofa.domain.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OtpPolicyTest {

    @Test
    void default_isWhatAuthenticatorAppsExpect_withA160BitSecret() {
        assertThat(OtpPolicy.DEFAULT).isEqualTo(new OtpPolicy(HmacAlgorithm.SHA1, 6, 30, 1, 20));
        assertThat(OtpPolicy.DEFAULT.secretBytes() * 8).isGreaterThanOrEqualTo(112);
    }

    @ParameterizedTest(name = "digits={0} period={1} drift={2} secretBytes={3}")
    @CsvSource({
        "5, 30, 1, 20", // RFC 4226: at least 6 digits
        "9, 30, 1, 20",
        "6, 0, 1, 20",
        "6, -30, 1, 20",
        "6, 30, -1, 20",
        "6, 30, 3, 20", // a wide window multiplies the brute-force success rate
        "6, 30, 1, 13" // 104 bits < NIST 112
    })
    void constructor_rejectsUnsafeParameters(int digits, int period, int drift, int secretBytes) {
        assertThatThrownBy(() -> new OtpPolicy(HmacAlgorithm.SHA1, digits, period, drift, secretBytes))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void constructor_rejectsNullAlgorithm() {
        assertThatThrownBy(() -> new OtpPolicy(null, 6, 30, 1, 20)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void constructor_acceptsBoundaryValues() {
        assertThat(new OtpPolicy(HmacAlgorithm.SHA512, 8, 60, 2, 14).digits()).isEqualTo(8);
        assertThat(new OtpPolicy(HmacAlgorithm.SHA256, 6, 1, 0, 14).driftSteps())
                .isZero();
    }
}
