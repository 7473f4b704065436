package dev.twofa.domain.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SmsCodesTest {

    private static final byte[] KEY =
            HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final String USER = "user-1";
    private static final String CHALLENGE = "challenge-1";

    private final SecureRandom random = new SecureRandom();
    private final SmsCodes smsCodes = new SmsCodes(random);

    /** A SecureRandom that returns scripted values from nextInt(bound) and records the bounds asked for. */
    private static final class ScriptedRandom extends SecureRandom {
        private final Deque<Integer> values = new ArrayDeque<>();
        private final List<Integer> bounds = new ArrayList<>();

        ScriptedRandom(Integer... values) {
            this.values.addAll(List.of(values));
        }

        @Override
        public int nextInt(int bound) {
            bounds.add(bound);
            return values.removeFirst();
        }
    }

    @Test
    void newCode_isSixAsciiDigits() {
        for (int i = 0; i < 1_000; i++) {
            assertThat(smsCodes.newCode()).matches("[0-9]{6}");
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"0, 000000", "7, 000007", "42, 000042", "12345, 012345", "100000, 100000", "999999, 999999"})
    void newCode_keepsLeadingZeros(int drawn, String code) {
        ScriptedRandom scripted = new ScriptedRandom(drawn);

        assertThat(new SmsCodes(scripted).newCode()).isEqualTo(code);
        // nextInt(10^6) is uniform by rejection sampling; anything else (nextInt() % 10^6, bytes) would need care.
        assertThat(scripted.bounds).containsExactly(1_000_000);
    }

    @Test
    void newCode_isAsciiEvenWhenTheDefaultLocaleUsesOtherDigits() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("th-TH-u-nu-thai"));
            assertThat(new SmsCodes(new ScriptedRandom(123)).newCode()).isEqualTo("000123");
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void newCode_isUniform_overEveryDigitPosition() {
        // Chi-square over 10 symbols (9 degrees of freedom) per position; 45 has p ≈ 1e-6, so this does not flake,
        // while a modulo bias or a stuck digit pushes it into the thousands.
        int draws = 20_000;
        int[][] counts = new int[SmsCodes.CODE_LENGTH][10];
        int leadingZeros = 0;
        for (int i = 0; i < draws; i++) {
            String code = smsCodes.newCode();
            for (int position = 0; position < code.length(); position++) {
                counts[position][code.charAt(position) - '0']++;
            }
            leadingZeros += code.charAt(0) == '0' ? 1 : 0;
        }
        double expected = draws / 10.0;
        for (int[] position : counts) {
            double chiSquare = 0;
            for (int count : position) {
                chiSquare += (count - expected) * (count - expected) / expected;
            }
            assertThat(chiSquare).isLessThan(45);
        }
        assertThat(leadingZeros).isPositive();
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"000000", "123456", "999999", "012345"})
    void isWellFormed_acceptsSixAsciiDigits(String code) {
        assertThat(SmsCodes.isWellFormed(code)).isTrue();
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "12345",
                "1234567",
                " 123456",
                "123456 ",
                "123 456",
                "12345a",
                "+12345",
                "-12345",
                "１２３４５６", // full-width: Character.isDigit says yes
                "١٢٣٤٥٦", // Arabic-Indic
                "12345\u0000"
            })
    void isWellFormed_refusesEverythingElse(String code) {
        assertThat(SmsCodes.isWellFormed(code)).isFalse();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "LOGIN, 123456, cceba3069fee8601e7ec4e8c84795b80a900061d4005e21268b01085be8154d8",
        "ENABLE, 012345, 3eef382e78721b781933f37849dcb6f38ca2c4a4d8e740e5cf505c5e9b97b7a6"
    })
    void storedHash_knownAnswer_hmacSha256OverLengthPrefixedFields(
            SmsPurpose purpose, String code, String expectedHex) {
        // Computed independently with Python: hmac.new(key, b''.join(struct.pack('>I', len(f)) + f for f in
        // [b'twofa-sms-code-v1', purpose, user, challenge, code]), sha256). Pins the encoding of stored hashes.
        byte[] hash = hash(KEY, code, purpose, USER, CHALLENGE);

        assertThat(HexFormat.of().formatHex(hash)).isEqualTo(expectedHex);
    }

    @Test
    void hash_isDeterministic_and32Bytes() {
        assertThat(hash(KEY, "123456", SmsPurpose.LOGIN, USER, CHALLENGE))
                .hasSize(32)
                .isEqualTo(hash(KEY.clone(), "123456", SmsPurpose.LOGIN, USER, CHALLENGE));
    }

    @ParameterizedTest(name = "{0} code vs {1} challenge")
    @CsvSource({
        "LOGIN, ENABLE",
        "LOGIN, DISABLE",
        "ENABLE, LOGIN",
        "ENABLE, DISABLE",
        "DISABLE, LOGIN",
        "DISABLE, ENABLE"
    })
    void hash_bindsThePurpose_soACodeSentForOnePurposeNeverCompletesAnother(SmsPurpose sentFor, SmsPurpose usedFor) {
        byte[] stored = hash(KEY, "123456", usedFor, USER, CHALLENGE);

        assertThat(hash(KEY, "123456", sentFor, USER, CHALLENGE)).isNotEqualTo(stored);
        assertThat(hash(KEY, "123456", usedFor, USER, CHALLENGE)).isEqualTo(stored);
    }

    @Test
    void hash_bindsUserChallengeCodeAndKey() {
        byte[] stored = hash(KEY, "123456", SmsPurpose.LOGIN, USER, CHALLENGE);

        assertThat(hash(KEY, "123456", SmsPurpose.LOGIN, "user-2", CHALLENGE)).isNotEqualTo(stored);
        assertThat(hash(KEY, "123456", SmsPurpose.LOGIN, USER, "challenge-2")).isNotEqualTo(stored);
        assertThat(hash(KEY, "123457", SmsPurpose.LOGIN, USER, CHALLENGE)).isNotEqualTo(stored);
        assertThat(hash(new byte[] {1, 2, 3}, "123456", SmsPurpose.LOGIN, USER, CHALLENGE))
                .isNotEqualTo(stored);
    }

    @Test
    void hash_encodingIsUnambiguous_acrossFieldBoundaries() {
        // Plain concatenation would make ("ab", "c") and ("a", "bc") the same message.
        assertThat(hash(KEY, "123456", SmsPurpose.LOGIN, "ab", "c"))
                .isNotEqualTo(hash(KEY, "123456", SmsPurpose.LOGIN, "a", "bc"));
        assertThat(hash(KEY, "123456", SmsPurpose.LOGIN, "user-1/", "c"))
                .isNotEqualTo(hash(KEY, "123456", SmsPurpose.LOGIN, "user-1", "/c"));
    }

    @Test
    void macInput_isTheLabelAndEachFieldPrefixedByItsLength() {
        byte[] expected = ByteBuffer.allocate(4 + 17 + 4 + 5 + 4 + 1 + 4 + 1 + 4 + 6)
                .putInt(17)
                .put("twofa-sms-code-v1".getBytes(StandardCharsets.US_ASCII))
                .putInt(5)
                .put("login".getBytes(StandardCharsets.US_ASCII))
                .putInt(1)
                .put((byte) 'u')
                .putInt(1)
                .put((byte) 'c')
                .putInt(6)
                .put("012345".getBytes(StandardCharsets.US_ASCII))
                .array();

        assertThat(SmsCodes.macInput("012345", SmsPurpose.LOGIN, "u", "c")).isEqualTo(expected);
    }

    @Test
    void macInput_countsUtf8Bytes_notChars() {
        byte[] input = SmsCodes.macInput("123456", SmsPurpose.ENABLE, "å", "c");

        assertThat(ByteBuffer.wrap(input, 4 + 17 + 4 + 6, 4).getInt()).isEqualTo(2);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullAndEmptySource
    @ValueSource(strings = {"12345", "abcdef", "１２３４５６"})
    void macInput_refusesMalformedCodes(String code) {
        assertThatThrownBy(() -> SmsCodes.macInput(code, SmsPurpose.LOGIN, USER, CHALLENGE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void macInput_refusesEmptyIdsAndNulls() {
        assertThatThrownBy(() -> SmsCodes.macInput("123456", SmsPurpose.LOGIN, "", CHALLENGE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SmsCodes.macInput("123456", SmsPurpose.LOGIN, USER, ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SmsCodes.macInput("123456", null, USER, CHALLENGE))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void constants_followNistAndTwilio() {
        assertThat(SmsCodes.CODE_LIFETIME).isEqualTo(Duration.ofMinutes(5));
        assertThat(SmsCodes.MAX_LIFETIME).isEqualTo(Duration.ofMinutes(10));
        assertThat(SmsCodes.CODE_LIFETIME).isLessThanOrEqualTo(SmsCodes.MAX_LIFETIME);
        assertThat(SmsCodes.MAX_CHECKS).isEqualTo(5);
        // NIST SP 800-63B §5.1.3: about 20 bits; 10^6 codes are 19.93 bits.
        assertThat(SmsCodes.CODE_LENGTH * Math.log(10) / Math.log(2)).isGreaterThan(19.9);
    }

    /**
     * What is stored for a code: HMAC-SHA256 of {@link SmsCodes#macInput}, as KMS GenerateMac (and the
     * local run's key file) computes it.
     */
    private static byte[] hash(byte[] key, String code, SmsPurpose purpose, String userId, String challengeId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(SmsCodes.macInput(code, purpose, userId, challengeId));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void constructor_requiresRandom() {
        assertThatThrownBy(() -> new SmsCodes(null)).isInstanceOf(NullPointerException.class);
    }
}
