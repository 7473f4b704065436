package dev.twofa.domain.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/**
 * {@link RecoveryCodes#normalize}: spaces and hyphens are dropped, ASCII letters upper-cased and Crockford's
 * look-alikes mapped; nothing else is dropped or mapped, so a NUL, a tab or any other character refuses the input.
 * It never throws: a refusal is an empty result, which the HTTP layer answers with 400.
 */
class RecoveryCodeProperties {

    @Provide
    Arbitrary<String> canonical() {
        return Arbitraries.of(
                        RecoveryCodes.ALPHABET.chars().mapToObj(c -> (char) c).toList())
                .list()
                .ofSize(RecoveryCodes.CODE_LENGTH)
                .map(chars -> chars.stream().map(String::valueOf).reduce("", String::concat));
    }

    /** How people type a code: any case, look-alikes, spaces and hyphens anywhere. */
    @Provide
    Arbitrary<String[]> typed() {
        return canonical().flatMap(code -> Arbitraries.strings()
                .withChars(' ', '-')
                .ofMaxLength(3)
                .list()
                .ofSize(RecoveryCodes.CODE_LENGTH + 1)
                .flatMap(separators -> Arbitraries.of(true, false)
                        .list()
                        .ofSize(RecoveryCodes.CODE_LENGTH)
                        .map(lower -> {
                            StringBuilder text = new StringBuilder(separators.get(0));
                            for (int i = 0; i < code.length(); i++) {
                                char c = code.charAt(i);
                                if (c == '0' && lower.get(i)) {
                                    c = 'O'; // a zero typed as the letter O
                                } else if (c == '1' && lower.get(i)) {
                                    c = i % 2 == 0 ? 'l' : 'I';
                                }
                                text.append(lower.get(i) ? Character.toLowerCase(c) : c)
                                        .append(separators.get(i + 1));
                            }
                            return new String[] {code, text.toString()};
                        })));
    }

    @Property
    void whatUsersType_normalisesToTheCode_andTheCanonicalFormToItself(@ForAll("typed") String[] codeAndTyped) {
        String code = codeAndTyped[0];

        assertThat(RecoveryCodes.normalize(codeAndTyped[1])).contains(code);
        assertThat(RecoveryCodes.normalize(code)).contains(code);
    }

    @Property
    void theShownForm_parsesBackToTheCode(@ForAll("canonical") String code) {
        String shown = code.substring(0, 4) + '-' + code.substring(4, 8) + '-' + code.substring(8);

        assertThat(RecoveryCodes.normalize(shown)).contains(code);
        assertThat(RecoveryCodes.normalize(shown.toLowerCase(java.util.Locale.ROOT)))
                .contains(code.replace('O', '0'));
    }

    @Property(tries = 20)
    void generatedCodes_areAcceptedAsShown(@ForAll long seed) {
        SecureRandom random = new SecureRandom();
        random.setSeed(seed);
        for (String shown : new RecoveryCodes(random).generate()) {
            assertThat(shown).matches("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}");
            assertThat(RecoveryCodes.normalize(shown)).contains(shown.replace("-", ""));
        }
    }

    /** Anything but a space or a hyphen inserted anywhere: an unknown character, or a 13th symbol. */
    @Property
    void anyOtherCharacter_insertedAnywhere_refusesTheCode(
            @ForAll("canonical") String code,
            @ForAll @IntRange(min = 0, max = RecoveryCodes.CODE_LENGTH) int position,
            @ForAll char inserted) {
        Assume.that(inserted != ' ' && inserted != '-');

        assertThat(RecoveryCodes.normalize(code.substring(0, position) + inserted + code.substring(position)))
                .isEmpty();
    }

    @Property
    void controlCharacters_areRefusedAnywhere_evenAtTheEnds(
            @ForAll("canonical") String code,
            @ForAll @IntRange(min = 0, max = RecoveryCodes.CODE_LENGTH) int position,
            @ForAll("controls") char control) {
        assertThat(RecoveryCodes.normalize(code.substring(0, position) + control + code.substring(position)))
                .isEmpty();
        assertThat(RecoveryCodes.normalize(code + control)).isEmpty();
        assertThat(RecoveryCodes.normalize(control + code)).isEmpty();
    }

    @Provide
    Arbitrary<Character> controls() {
        return Arbitraries.oneOf(
                Arbitraries.chars().range('\0', '\u001f'),
                Arbitraries.chars().range('\u007f', '\u009f'),
                Arbitraries.of('\u00a0', '\u2028', '\u200b', '\ufeff', '\u3000'));
    }

    @Property
    void anyInput_isEitherACanonicalCodeOrEmpty_neverAnException(@ForAll @StringLength(max = 40) String anything) {
        Optional<String> normalized = RecoveryCodes.normalize(anything);

        normalized.ifPresent(code -> {
            assertThat(code).hasSize(RecoveryCodes.CODE_LENGTH);
            assertThat(code.chars()).allMatch(c -> RecoveryCodes.ALPHABET.indexOf(c) >= 0);
            assertThat(RecoveryCodes.normalize(code)).contains(code);
        });
    }
}
