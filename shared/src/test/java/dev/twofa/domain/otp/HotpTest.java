package dev.twofa.domain.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HotpTest {

    private static final byte[] RFC4226_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest(name = "counter {0} -> {1}")
    @CsvSource({
        "0, 755224", "1, 287082", "2, 359152", "3, 969429", "4, 338314",
        "5, 254676", "6, 287922", "7, 162583", "8, 399871", "9, 520489"
    })
    void generate_matchesRfc4226AppendixD(long counter, String expected) {
        assertThat(Hotp.generate(RFC4226_SECRET, counter, 6, HmacAlgorithm.SHA1))
                .isEqualTo(expected);
    }

    @Test
    void generate_keepsLeadingZeros() {
        // RFC 6238 Appendix B, SHA1 at 1111111109 s: "07081804" loses its meaning as the integer 7081804.
        assertThat(Hotp.generate(RFC4226_SECRET, 1111111109L / 30, 8, HmacAlgorithm.SHA1))
                .isEqualTo("07081804");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 9, 10})
    void generate_rejectsDigitsOutsideSixToEight(int digits) {
        assertThatThrownBy(() -> Hotp.generate(RFC4226_SECRET, 0, digits, HmacAlgorithm.SHA1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void generate_rejectsEmptyKey() {
        assertThatThrownBy(() -> Hotp.generate(new byte[0], 0, 6, HmacAlgorithm.SHA1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hmacAlgorithm_namesMatchJcaAndKeyUri() {
        assertThat(HmacAlgorithm.SHA1.jcaName()).isEqualTo("HmacSHA1");
        assertThat(HmacAlgorithm.SHA256.jcaName()).isEqualTo("HmacSHA256");
        assertThat(HmacAlgorithm.SHA512.jcaName()).isEqualTo("HmacSHA512");
        assertThat(HmacAlgorithm.SHA1.uriName()).isEqualTo("SHA1");
        assertThat(HmacAlgorithm.SHA256.uriName()).isEqualTo("SHA256");
        assertThat(HmacAlgorithm.SHA512.uriName()).isEqualTo("SHA512");
    }
}
