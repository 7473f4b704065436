package dev.twofa.domain.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class RecoveryCodesTest {

    private static final String FORMAT = "[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}";

    private final SecureRandom random = new SecureRandom();
    private final RecoveryCodes recoveryCodes = new RecoveryCodes(random);

    @Test
    void generate_returnsTenDistinctFormattedCodes() {
        List<String> codes = recoveryCodes.generate();

        assertThat(codes).hasSize(10).doesNotHaveDuplicates().allMatch(code -> code.matches(FORMAT));
    }

    @Test
    void generate_codesCarryAtLeast50Bits() {
        // 12 symbols from a 32-symbol alphabet: 12 x log2(32) = 60 bits (NIST SP 800-63B §5.1.2.1 needs >= 20).
        assertThat(RecoveryCodes.ALPHABET).hasSize(32).doesNotContain("I", "L", "O", "U");
        assertThat(RecoveryCodes.ALPHABET.chars().distinct().count()).isEqualTo(32);
        assertThat(RecoveryCodes.CODE_LENGTH * Integer.numberOfTrailingZeros(RecoveryCodes.ALPHABET.length()))
                .isGreaterThanOrEqualTo(50);
        assertThat(recoveryCodes.generate())
                .allMatch(code -> code.replace("-", "").length() == 12);
    }

    @Test
    void generate_usesEverySymbolOfTheAlphabet() {
        // A biased encoder (e.g. modulo over too few bits) would leave symbols unused across 2,400 draws.
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            recoveryCodes.generate().forEach(all::append);
        }
        for (char symbol : RecoveryCodes.ALPHABET.toCharArray()) {
            assertThat(all.toString()).contains(String.valueOf(symbol));
        }
    }

    @Test
    void generate_differsBetweenCalls() {
        assertThat(recoveryCodes.generate()).doesNotContainAnyElementsOf(recoveryCodes.generate());
    }

    @Test
    void generate_normalizesToItself() {
        for (String code : recoveryCodes.generate()) {
            assertThat(RecoveryCodes.normalize(code)).contains(code.replace("-", ""));
        }
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "ABCD-EFGH-JKMN|ABCDEFGHJKMN",
                "abcd-efgh-jkmn|ABCDEFGHJKMN",
                "  abcd efgh jkmn  |ABCDEFGHJKMN",
                "ABCDEFGHJKMN|ABCDEFGHJKMN",
                "a-b-c-d-e-f-g-h-j-k-m-n|ABCDEFGHJKMN",
                "OOOO-oooo-0000|000000000000", // O reads as zero
                "IIII-llll-LLLL|111111111111", // I and L read as one
                "iLoP-QRST-VWXY|110PQRSTVWXY"
            })
    void normalize_acceptsWhatUsersType(String input, String expected) {
        assertThat(RecoveryCodes.normalize(input)).contains(expected);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullSource
    @ValueSource(
            strings = {
                "",
                "   ",
                "ABCD-EFGH-JKM", // 11 symbols
                "ABCD-EFGH-JKMNP", // 13 symbols
                "ABCD-EFGH-JKMU", // U is not in Crockford's alphabet
                "ABCD_EFGH_JKMN",
                "ABCD.EFGH.JKMN",
                "ABCD-EFGH-JKM\u0131", // dotless i: String.toUpperCase would turn it into I
                "ABCD-EFGH-JKMＮ", // full-width N
                "ABCD-EFGH-JKMN\u0000", // NUL after a valid code: trim() used to strip it
                "\u0000ABCD-EFGH-JKMN",
                "ABCD-EFGH-JKMN\t",
                "ABCD-EFGH-JKMN\n",
                "\rABCD-EFGH-JKMN",
                "ABCD\u0001EFGH-JKMN",
                "ABCD-EFGH-JKMN\u001f",
                "ABCD\u00a0EFGH\u00a0JKMN" // no-break spaces: only the ASCII space is documented
            })
    void normalize_rejectsEverythingElse(String input) {
        assertThat(RecoveryCodes.normalize(input)).isEmpty();
    }

    @Test
    void newSalt_is16RandomBytes() {
        byte[] salt = RecoveryCodes.newSalt(random);

        assertThat(salt).hasSize(16);
        assertThat(salt).isNotEqualTo(RecoveryCodes.newSalt(random));
    }

    @Test
    void hash_isDeterministic_forSameCodeAndSalt() {
        byte[] salt = RecoveryCodes.newSalt(random);

        assertThat(RecoveryCodes.hash("ABCDEFGHJKMN", salt))
                .isEqualTo(RecoveryCodes.hash("ABCDEFGHJKMN", salt.clone()));
    }

    @Test
    void hash_dependsOnSaltAndCode() {
        byte[] salt = RecoveryCodes.newSalt(random);
        byte[] otherSalt = RecoveryCodes.newSalt(random);

        String hash = RecoveryCodes.hash("ABCDEFGHJKMN", salt);

        assertThat(hash).isNotEqualTo(RecoveryCodes.hash("ABCDEFGHJKMN", otherSalt));
        assertThat(hash).isNotEqualTo(RecoveryCodes.hash("ABCDEFGHJKMP", salt));
    }

    @Test
    void hash_is256BitBase64UrlWithoutPadding() {
        String hash = RecoveryCodes.hash("ABCDEFGHJKMN", RecoveryCodes.newSalt(random));

        // 32 bytes -> 43 base64url characters, no '=' (safe as a DynamoDB key and in URLs).
        assertThat(hash).hasSize(43).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void hash_knownAnswer_pbkdf2HmacSha256With10000Iterations() {
        // Expected value computed independently with Python's hashlib.pbkdf2_hmac('sha256', ..., 10000, 32).
        // Pins the algorithm and parameters: stored hashes become unusable if either ever changes silently.
        byte[] salt = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

        assertThat(RecoveryCodes.PBKDF2_ITERATIONS).isEqualTo(10_000);
        assertThat(RecoveryCodes.hash("ABCDEFGHJKMN", salt)).isEqualTo("mpombWR1Ymg8YFRKyhXMSZr_oGDWg_R4gIgfeWy2TvU");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"abcd-efgh-jkmn", "ABCD-EFGH-JKMN", "ABCDEFGHJKM", "OOOOOOOOOOOO", ""})
    void hash_requiresNormalizedInput(String notNormalized) {
        byte[] salt = RecoveryCodes.newSalt(random);

        assertThatThrownBy(() -> RecoveryCodes.hash(notNormalized, salt)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hash_rejectsShortSalt() {
        assertThatThrownBy(() -> RecoveryCodes.hash("ABCDEFGHJKMN", new byte[8]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void constructor_requiresRandom() {
        assertThatThrownBy(() -> new RecoveryCodes(null)).isInstanceOf(NullPointerException.class);
    }
}
