package dev.twofa.domain.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twofa.domain.otp.TotpCheck.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class TotpTest {

    // RFC 6238 Appendix B seeds; the SHA256/SHA512 ones are the erratum's longer seeds
    // (docs/standards.md, "TOTP: RFC 6238 Appendix B").
    private static final byte[] SEED_SHA1 = ascii("12345678901234567890");
    private static final byte[] SEED_SHA256 = ascii("12345678901234567890123456789012");
    private static final byte[] SEED_SHA512 = ascii("1234567890".repeat(7).substring(0, 64));

    private static final Totp DEFAULT = new Totp(OtpPolicy.DEFAULT);

    /** A fixed "now", mid-step, far from the epoch. */
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_015L);

    private static final long CURRENT = 1_700_000_015L / 30;

    static Stream<Arguments> rfc6238AppendixB() {
        return Stream.of(
                Arguments.of(59L, HmacAlgorithm.SHA1, "94287082"),
                Arguments.of(59L, HmacAlgorithm.SHA256, "46119246"),
                Arguments.of(59L, HmacAlgorithm.SHA512, "90693936"),
                Arguments.of(1111111109L, HmacAlgorithm.SHA1, "07081804"),
                Arguments.of(1111111109L, HmacAlgorithm.SHA256, "68084774"),
                Arguments.of(1111111109L, HmacAlgorithm.SHA512, "25091201"),
                Arguments.of(1111111111L, HmacAlgorithm.SHA1, "14050471"),
                Arguments.of(1111111111L, HmacAlgorithm.SHA256, "67062674"),
                Arguments.of(1111111111L, HmacAlgorithm.SHA512, "99943326"),
                Arguments.of(1234567890L, HmacAlgorithm.SHA1, "89005924"),
                Arguments.of(1234567890L, HmacAlgorithm.SHA256, "91819424"),
                Arguments.of(1234567890L, HmacAlgorithm.SHA512, "93441116"),
                Arguments.of(2000000000L, HmacAlgorithm.SHA1, "69279037"),
                Arguments.of(2000000000L, HmacAlgorithm.SHA256, "90698825"),
                Arguments.of(2000000000L, HmacAlgorithm.SHA512, "38618901"),
                Arguments.of(20000000000L, HmacAlgorithm.SHA1, "65353130"),
                Arguments.of(20000000000L, HmacAlgorithm.SHA256, "77737706"),
                Arguments.of(20000000000L, HmacAlgorithm.SHA512, "47863826"));
    }

    @ParameterizedTest(name = "{1} at {0} s -> {2}")
    @MethodSource("rfc6238AppendixB")
    void codeAt_matchesRfc6238AppendixB(long epochSeconds, HmacAlgorithm alg, String expected) {
        Totp totp = new Totp(new OtpPolicy(alg, 8, 30, 1, 20));
        long step = totp.stepAt(Instant.ofEpochSecond(epochSeconds));

        assertThat(totp.codeAt(seedFor(alg), step)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{1} at {0} s -> {2}")
    @MethodSource("rfc6238AppendixB")
    void check_acceptsRfc6238AppendixBCodes(long epochSeconds, HmacAlgorithm alg, String expected) {
        Totp totp = new Totp(new OtpPolicy(alg, 8, 30, 1, 20));
        Instant at = Instant.ofEpochSecond(epochSeconds);

        assertThat(totp.check(seedFor(alg), expected, at, Totp.NO_STEP))
                .isEqualTo(new TotpCheck(Outcome.ACCEPTED, totp.stepAt(at)));
    }

    @Test
    void stepAt_isFloorOfSecondsOverPeriod_withT0AtEpoch() {
        assertThat(DEFAULT.stepAt(Instant.EPOCH)).isZero();
        assertThat(DEFAULT.stepAt(Instant.ofEpochSecond(29, 999_999_999))).isZero();
        assertThat(DEFAULT.stepAt(Instant.ofEpochSecond(30))).isEqualTo(1);
        assertThat(DEFAULT.stepAt(Instant.ofEpochSecond(59))).isEqualTo(1);
    }

    @Test
    void stepAt_rejectsInstantsBeforeT0() {
        assertThatThrownBy(() -> DEFAULT.stepAt(Instant.ofEpochSecond(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Nested
    class Window {

        @ParameterizedTest(name = "offset {0} step(s)")
        @ValueSource(ints = {-1, 0, 1})
        void check_acceptsCode_withinOneStepOfDrift(int offset) {
            String code = DEFAULT.codeAt(SEED_SHA1, CURRENT + offset);

            assertThat(DEFAULT.check(SEED_SHA1, code, NOW, Totp.NO_STEP))
                    .isEqualTo(new TotpCheck(Outcome.ACCEPTED, CURRENT + offset));
        }

        @ParameterizedTest(name = "offset {0} steps")
        @ValueSource(ints = {-3, -2, 2, 3})
        void check_refusesCode_twoOrMoreStepsAway(int offset) {
            String code = DEFAULT.codeAt(SEED_SHA1, CURRENT + offset);
            // Precondition: the code must not coincide with a code inside the window by chance.
            for (int inWindow = -1; inWindow <= 1; inWindow++) {
                assertThat(DEFAULT.codeAt(SEED_SHA1, CURRENT + inWindow)).isNotEqualTo(code);
            }

            assertThat(DEFAULT.check(SEED_SHA1, code, NOW, Totp.NO_STEP)).isEqualTo(TotpCheck.invalid());
        }

        @Test
        void check_withZeroDrift_acceptsOnlyCurrentStep() {
            Totp strict = new Totp(new OtpPolicy(HmacAlgorithm.SHA1, 6, 30, 0, 20));

            assertThat(strict.check(SEED_SHA1, strict.codeAt(SEED_SHA1, CURRENT), NOW, Totp.NO_STEP)
                            .isAccepted())
                    .isTrue();
            assertThat(strict.check(SEED_SHA1, strict.codeAt(SEED_SHA1, CURRENT - 1), NOW, Totp.NO_STEP)
                            .outcome())
                    .isEqualTo(Outcome.INVALID);
        }

        @Test
        void check_nearEpoch_doesNotComputeNegativeSteps() {
            String code = DEFAULT.codeAt(SEED_SHA1, 0);

            assertThat(DEFAULT.check(SEED_SHA1, code, Instant.EPOCH, Totp.NO_STEP))
                    .isEqualTo(new TotpCheck(Outcome.ACCEPTED, 0));
        }

        @Test
        void check_refusesWrongCode() {
            assertThat(DEFAULT.check(SEED_SHA1, "000000", NOW, Totp.NO_STEP).outcome())
                    .as("precondition: 000000 is not a code of the window")
                    .isEqualTo(Outcome.INVALID);
        }
    }

    @Nested
    class Format {

        @ParameterizedTest(name = "\"{0}\"")
        @NullSource
        @ValueSource(
                strings = {
                    "", "12345", // 5 digits
                    "1234567", // 7 digits
                    "12345a", "abcdef", " 123456", "123456 ", "123 456", "12-456", "+12345", "-12345",
                    "１２３４５６", // full-width digits: Character.isDigit would accept them
                    "١٢٣٤٥٦", // Arabic-Indic digits
                })
        void check_refusesMalformedCode_beforeAnyHmac(String code) {
            assertThat(DEFAULT.isWellFormed(code)).isFalse();
            assertThat(DEFAULT.check(SEED_SHA1, code, NOW, Totp.NO_STEP)).isEqualTo(TotpCheck.invalid());
        }

        @Test
        void isWellFormed_acceptsExactlyDigitsAsciiDigits() {
            assertThat(DEFAULT.isWellFormed("000000")).isTrue();
            assertThat(DEFAULT.isWellFormed("987654")).isTrue();
            assertThat(new Totp(new OtpPolicy(HmacAlgorithm.SHA1, 8, 30, 1, 20)).isWellFormed("123456"))
                    .isFalse();
        }

        @Test
        void check_refusesEightDigitCode_whenPolicyHasSix() {
            String eight = new Totp(new OtpPolicy(HmacAlgorithm.SHA1, 8, 30, 1, 20)).codeAt(SEED_SHA1, CURRENT);

            assertThat(DEFAULT.check(SEED_SHA1, eight, NOW, Totp.NO_STEP)).isEqualTo(TotpCheck.invalid());
        }
    }

    @Nested
    class Replay {

        @Test
        void check_rejectsReplayedCode_inSameTimeStep() {
            String code = DEFAULT.codeAt(SEED_SHA1, CURRENT);
            TotpCheck first = DEFAULT.check(SEED_SHA1, code, NOW, Totp.NO_STEP);

            TotpCheck second = DEFAULT.check(SEED_SHA1, code, NOW, first.step());

            assertThat(first).isEqualTo(new TotpCheck(Outcome.ACCEPTED, CURRENT));
            assertThat(second).isEqualTo(new TotpCheck(Outcome.REPLAYED, CURRENT));
        }

        @Test
        void check_rejectsReplayedCode_inNextTimeStep() {
            // The same code is still inside the window 30 s later; RFC 6238 §5.2 forbids accepting it again.
            String code = DEFAULT.codeAt(SEED_SHA1, CURRENT);

            assertThat(DEFAULT.check(SEED_SHA1, code, NOW.plusSeconds(30), CURRENT))
                    .isEqualTo(new TotpCheck(Outcome.REPLAYED, CURRENT));
        }

        @Test
        void check_rejectsOlderStep_afterNewerOneWasAccepted() {
            String older = DEFAULT.codeAt(SEED_SHA1, CURRENT - 1);

            assertThat(DEFAULT.check(SEED_SHA1, older, NOW, CURRENT))
                    .isEqualTo(new TotpCheck(Outcome.REPLAYED, CURRENT - 1));
        }

        @Test
        void check_rejectsEnrollmentCode_atFirstLogin() {
            // The step used to confirm enrollment counts as accepted (RFC 6238 §5.2;
            // docs/standards.md, "TOTP and the key URI").
            String enrollmentCode = DEFAULT.codeAt(SEED_SHA1, CURRENT);
            long enrollmentStep =
                    DEFAULT.check(SEED_SHA1, enrollmentCode, NOW, Totp.NO_STEP).step();

            assertThat(DEFAULT.check(SEED_SHA1, enrollmentCode, NOW.plusSeconds(5), enrollmentStep)
                            .outcome())
                    .isEqualTo(Outcome.REPLAYED);
        }

        @Test
        void check_acceptsNewerStep_afterAcceptedOne() {
            String next = DEFAULT.codeAt(SEED_SHA1, CURRENT + 1);

            assertThat(DEFAULT.check(SEED_SHA1, next, NOW, CURRENT))
                    .isEqualTo(new TotpCheck(Outcome.ACCEPTED, CURRENT + 1));
        }

        @Test
        void check_rejectsNegativeLastAcceptedStepOtherThanNoStep() {
            assertThatThrownBy(() -> DEFAULT.check(SEED_SHA1, "123456", NOW, -2))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class HighestStep {

        // Found by search: with the RFC 4226 seed, SHA1 and 6 digits, steps 153567 and 153569 share code "468457".
        private static final long MIDDLE = 153_568;
        private static final String SHARED_CODE = "468457";
        private final Instant now = Instant.ofEpochSecond(MIDDLE * 30 + 10);

        @Test
        void precondition_codeMatchesFirstAndLastStepOfWindow() {
            assertThat(DEFAULT.codeAt(SEED_SHA1, MIDDLE - 1)).isEqualTo(SHARED_CODE);
            assertThat(DEFAULT.codeAt(SEED_SHA1, MIDDLE)).isNotEqualTo(SHARED_CODE);
            assertThat(DEFAULT.codeAt(SEED_SHA1, MIDDLE + 1)).isEqualTo(SHARED_CODE);
        }

        @Test
        void check_acceptsHighestMatchedStep() {
            // Recording the lower step would let the same code be accepted a second time at the higher one.
            assertThat(DEFAULT.check(SEED_SHA1, SHARED_CODE, now, Totp.NO_STEP))
                    .isEqualTo(new TotpCheck(Outcome.ACCEPTED, MIDDLE + 1));
        }

        @Test
        void check_acceptsHigherStep_whenLowerWasAlreadyUsed() {
            assertThat(DEFAULT.check(SEED_SHA1, SHARED_CODE, now, MIDDLE - 1))
                    .isEqualTo(new TotpCheck(Outcome.ACCEPTED, MIDDLE + 1));
        }

        @Test
        void check_reportsHighestReplayedStep_whenBothWereUsed() {
            assertThat(DEFAULT.check(SEED_SHA1, SHARED_CODE, now, MIDDLE + 1))
                    .isEqualTo(new TotpCheck(Outcome.REPLAYED, MIDDLE + 1));
        }
    }

    @Test
    void totpCheck_rejectsInconsistentStep() {
        assertThatThrownBy(() -> new TotpCheck(Outcome.INVALID, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TotpCheck(Outcome.ACCEPTED, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TotpCheck(Outcome.REPLAYED, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] seedFor(HmacAlgorithm alg) {
        return switch (alg) {
            case SHA1 -> SEED_SHA1;
            case SHA256 -> SEED_SHA256;
            case SHA512 -> SEED_SHA512;
        };
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
