package dev.twofa.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twofa.app.api.TwoFactorException.InvalidRequest;
import dev.twofa.testing.ApiEvents;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/**
 * {@link ApiRequest#sixDigitCode}: ASCII spaces are dropped, and nothing else is; what remains must be exactly six
 * ASCII digits. Every other input is an {@link InvalidRequest} (400), never another exception.
 */
class SixDigitCodeProperties {

    private static ApiRequest request(String code) {
        return new ApiRequest(ApiEvents.route("POST /2fa/verify")
                .body(Json.write(Map.of("code", code)))
                .build());
    }

    private static String parse(String code) {
        return request(code).sixDigitCode("code");
    }

    @Provide
    Arbitrary<String> sixDigits() {
        return Arbitraries.strings().withCharRange('0', '9').ofLength(6);
    }

    /** "123 456", " 123456 ", "1 2 3 4 5 6": spaces anywhere, within the 16-character field limit. */
    @Provide
    Arbitrary<String> spacedCodes() {
        return sixDigits().flatMap(digits -> Arbitraries.integers()
                .between(0, 6)
                .list()
                .ofMaxSize(10)
                .map(positions -> {
                    StringBuilder text = new StringBuilder(digits);
                    // Insert from the right so earlier positions stay meaningful.
                    positions.stream()
                            .sorted((a, b) -> b - a)
                            .forEach(p -> text.insert(Math.min(p, text.length()), ' '));
                    return text.toString();
                }));
    }

    @Property
    void spacedCodes_normaliseToTheirDigits_andTheCanonicalFormIsAcceptedAsItself(@ForAll("spacedCodes") String typed) {
        String canonical = parse(typed);

        assertThat(canonical).isEqualTo(typed.replace(" ", "")).matches("[0-9]{6}");
        assertThat(parse(canonical)).isEqualTo(canonical);
    }

    @Property
    void anyCharacterButADigitOrASpace_insertedAnywhere_isRefused(
            @ForAll("sixDigits") String digits,
            @ForAll @IntRange(min = 0, max = 6) int position,
            @ForAll char inserted) {
        Assume.that(inserted != ' ' && (inserted < '0' || inserted > '9'));
        String typed = digits.substring(0, position) + inserted + digits.substring(position);

        assertThatThrownBy(() -> parse(typed)).isInstanceOf(InvalidRequest.class);
    }

    @Property
    void unicodeDigitsAndSpaces_areNotReadAsAsciiOnes(
            @ForAll("sixDigits") String digits,
            @ForAll @IntRange(min = 0, max = 5) int position,
            @ForAll("lookAlikes") char lookAlike) {
        String typed = digits.substring(0, position) + lookAlike + digits.substring(position + 1);

        assertThatThrownBy(() -> parse(typed)).isInstanceOf(InvalidRequest.class);
    }

    @Provide
    Arbitrary<Character> lookAlikes() {
        // Full-width, Arabic-Indic and Devanagari digits; no-break, thin, ideographic spaces; tab, NUL.
        return Arbitraries.of('\uFF11', '\u0661', '\u0967', '\u00A0', '\u2009', '\u3000', '\t', '\n', '\0');
    }

    @Property
    void tooFewOrTooManyDigits_areRefused(@ForAll @StringLength(max = 16) String anything) {
        String digitsOnly = anything.replaceAll("[^0-9]", "");
        Assume.that(digitsOnly.length() != 6);

        assertThatThrownBy(() -> parse(digitsOnly)).isInstanceOf(InvalidRequest.class);
    }

    @Property
    void anyInput_isEitherSixAsciiDigitsOrA400(@ForAll @StringLength(max = 24) String anything) {
        try {
            assertThat(parse(anything)).matches("[0-9]{6}").isEqualTo(anything.replace(" ", ""));
        } catch (InvalidRequest refused) {
            assertThat(refused.field()).isEqualTo("code");
        }
    }
}
