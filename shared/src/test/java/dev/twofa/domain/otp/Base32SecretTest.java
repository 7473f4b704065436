package dev.twofa.domain.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Base32SecretTest {

    /** ASCII "Hello!" followed by the bytes DE AD BE EF (docs/standards.md, "Base32: RFC 4648"). */
    private static final byte[] HELLO = HexFormat.of().parseHex("48656c6c6f21deadbeef");

    @Test
    void decode_knownAnswer() {
        assertThat(Base32Secret.decode("JBSWY3DPEHPK3PXP")).isEqualTo(HELLO);
    }

    @Test
    void encode_knownAnswer() {
        assertThat(Base32Secret.encode(HELLO)).isEqualTo("JBSWY3DPEHPK3PXP");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"jbswy3dpehpk3pxp", "JBSW Y3DP EHPK 3PXP", "jbsw y3dp ehpk 3pxp", " JBSWY3DPEHPK3PXP "})
    void decode_toleratesLowerCaseAndSpaces(String typed) {
        assertThat(Base32Secret.decode(typed)).isEqualTo(HELLO);
    }

    @ParameterizedTest(name = "{0} bytes -> {1}")
    @CsvSource({
        // RFC 4648 §10 test vectors, with and without padding.
        "f, MY, MY======",
        "fo, MZXQ, MZXQ====",
        "foo, MZXW6, MZXW6===",
        "foob, MZXW6YQ, MZXW6YQ=",
        "fooba, MZXW6YTB, MZXW6YTB",
        "foobar, MZXW6YTBOI, MZXW6YTBOI======"
    })
    void encodeWithoutPadding_decodeWithOrWithout_rfc4648Vectors(String ascii, String unpadded, String padded) {
        byte[] bytes = ascii.getBytes(StandardCharsets.US_ASCII);

        assertThat(Base32Secret.encode(bytes)).isEqualTo(unpadded);
        assertThat(Base32Secret.decode(unpadded)).isEqualTo(bytes);
        assertThat(Base32Secret.decode(padded)).isEqualTo(bytes);
    }

    @Test
    void roundTrip_randomSecretsOfEveryLength() {
        SecureRandom random = new SecureRandom();
        for (int length = 1; length <= 64; length++) {
            byte[] secret = new byte[length];
            random.nextBytes(secret);

            String encoded = Base32Secret.encode(secret);

            assertThat(encoded).matches("[A-Z2-7]+");
            assertThat(Base32Secret.decode(encoded)).isEqualTo(secret);
            assertThat(Base32Secret.decode(Base32Secret.grouped(encoded).toLowerCase()))
                    .isEqualTo(secret);
        }
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(
            strings = {
                "JBSWY3DPEHPK3PX1", // '1' is not in the RFC 4648 alphabet
                "JBSWY3DPEHPK3PX0",
                "JBSWY3DP-EHPK3PXP",
                "JBSWY3DP\tEHPK3PXP",
                "JBSWY3DPEHPK3PXÄ",
                "MY==MY==", // padding in the middle
                "MY=", // wrong amount of padding
                "M", // 5 bits cannot hold a byte
                "MZX",
                "MZXW6Y",
                "",
                "   ",
                "========"
            })
    void decode_rejectsInvalidInput(String input) {
        assertThatThrownBy(() -> Base32Secret.decode(input)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decode_errorMessageDoesNotEchoTheSecret() {
        assertThatThrownBy(() -> Base32Secret.decode("JBSWY3DPEHPK3PX1"))
                .message()
                .doesNotContain("JBSW");
    }

    @Test
    void encode_rejectsEmpty() {
        assertThatThrownBy(() -> Base32Secret.encode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "\"{0}\" -> \"{1}\"")
    @CsvSource({
        "JBSWY3DPEHPK3PXP, JBSW Y3DP EHPK 3PXP",
        "JBSWY3DPEHPK3PX, JBSW Y3DP EHPK 3PX",
        "JBSW, JBSW",
        "JB, JB",
        "'JBSW Y3DP', JBSW Y3DP"
    })
    void grouped_splitsIntoGroupsOfFour(String input, String expected) {
        assertThat(Base32Secret.grouped(input)).isEqualTo(expected);
    }
}
