package dev.twofa.domain.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/**
 * {@link PhoneNumbers#parse}: every way of writing a mobile number in international format reads as the same E.164
 * number, which parses as itself; a character that is not a digit or a separator refuses it; and nothing but an
 * {@link InvalidPhoneNumberException} (400 {@code invalid-phone-number}) ever comes out.
 */
class PhoneNumberProperties {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final PhoneNumbers ANY_REGION = new PhoneNumbers(Set.of());

    /** libphonenumber's example mobile number of every region that has one. */
    private static final List<Phonenumber.PhoneNumber> MOBILES = UTIL.getSupportedRegions().stream()
            .sorted()
            .map(region -> UTIL.getExampleNumberForType(region, PhoneNumberType.MOBILE))
            .filter(Objects::nonNull)
            .filter(UTIL::isValidNumber)
            .filter(n -> !"001".equals(UTIL.getRegionCodeForNumber(n)))
            .toList();

    @Provide
    Arbitrary<Phonenumber.PhoneNumber> mobiles() {
        return Arbitraries.of(MOBILES);
    }

    @Provide
    Arbitrary<PhoneNumberFormat> internationalFormats() {
        return Arbitraries.of(PhoneNumberFormat.E164, PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.RFC3966);
    }

    private static String written(Phonenumber.PhoneNumber number, PhoneNumberFormat format) {
        String text = UTIL.format(number, format);
        return format == PhoneNumberFormat.RFC3966 ? text.substring("tel:".length()) : text;
    }

    @Property
    void everyInternationalWriting_readsAsTheSameE164_whichReadsAsItself(
            @ForAll("mobiles") Phonenumber.PhoneNumber number,
            @ForAll("internationalFormats") PhoneNumberFormat format) {
        PhoneNumber parsed = ANY_REGION.parse(written(number, format));

        assertThat(parsed.e164()).isEqualTo(UTIL.format(number, PhoneNumberFormat.E164));
        assertThat(parsed.region()).isEqualTo(UTIL.getRegionCodeForNumber(number));
        assertThat(ANY_REGION.parse(parsed.e164())).isEqualTo(parsed);
        assertThat(PhoneNumbers.stored(parsed.e164())).isEqualTo(parsed);
        assertThat(ANY_REGION.parse("00" + parsed.e164().substring(1))).isEqualTo(parsed);
    }

    @Property
    void separatorsAnywhereAfterThePlus_changeNothing(
            @ForAll("mobiles") Phonenumber.PhoneNumber number,
            @ForAll @IntRange(min = 1, max = 20) int position,
            @ForAll("separators") char separator) {
        String e164 = UTIL.format(number, PhoneNumberFormat.E164);
        int at = Math.min(position, e164.length());
        String typed = e164.substring(0, at) + separator + e164.substring(at);
        Assume.that(typed.length() <= PhoneNumbers.MAX_INPUT_LENGTH);

        assertThat(ANY_REGION.parse(typed).e164()).isEqualTo(e164);
    }

    @Provide
    Arbitrary<Character> separators() {
        return Arbitraries.of(' ', '-', '.', '(', ')', '\u00a0', '\u2010', '\u2013', '\u2212');
    }

    @Property
    void aLetterOrSymbolAnywhere_refusesTheNumber(
            @ForAll("mobiles") Phonenumber.PhoneNumber number,
            @ForAll @IntRange(min = 0, max = 20) int position,
            @ForAll char inserted) {
        Assume.that(Character.getType(inserted) != Character.DECIMAL_DIGIT_NUMBER
                && inserted != '+'
                && inserted != '\uff0b'
                && !Character.isWhitespace(inserted)
                && !Character.isSpaceChar(inserted)
                && "-.()\u2212".indexOf(inserted) < 0
                && (inserted < '\u2010' || inserted > '\u2015')
                && !Character.isSurrogate(inserted));
        String e164 = UTIL.format(number, PhoneNumberFormat.E164);
        int at = Math.min(position, e164.length());
        String typed = e164.substring(0, at) + inserted + e164.substring(at);

        assertThatThrownBy(() -> ANY_REGION.parse(typed))
                .isInstanceOf(InvalidPhoneNumberException.class)
                .satisfies(e ->
                        assertThat(((InvalidPhoneNumberException) e).detail()).doesNotContain(e164.substring(1)));
    }

    @Property
    void theMaskedForm_showsOnlyTheCallingCodeAndTwoDigits(@ForAll("mobiles") Phonenumber.PhoneNumber number) {
        PhoneNumber parsed = ANY_REGION.parse(UTIL.format(number, PhoneNumberFormat.E164));
        String national = parsed.e164()
                .substring(1 + Integer.toString(number.getCountryCode()).length());

        assertThat(parsed.masked())
                .startsWith("+" + number.getCountryCode() + " ")
                .endsWith(national.substring(national.length() - 2))
                .doesNotContain(national.substring(0, national.length() - 2).length() >= 3 ? national : "\0");
        assertThat(parsed.masked().replaceAll("[^0-9]", ""))
                .isEqualTo(number.getCountryCode() + national.substring(national.length() - 2));
        assertThat(parsed).hasToString(parsed.masked());
    }

    @Property
    void anyInput_isAMobileNumberOrA400(@ForAll @StringLength(max = 40) String anything) {
        try {
            PhoneNumber parsed = ANY_REGION.parse(anything);
            assertThat(ANY_REGION.parse(parsed.e164())).isEqualTo(parsed);
        } catch (InvalidPhoneNumberException refused) {
            assertThat(refused.detail()).isNotBlank();
        }
    }

    @Property
    void anyDigits_areAMobileNumberOrA400(@ForAll("digitStrings") String digits) throws Exception {
        try {
            PhoneNumber parsed = ANY_REGION.parse("+" + digits);
            // The digits as typed, or as libphonenumber dials them in that country: +27 0 82 ... loses
            // the trunk prefix people copy behind the country code, a five-digit Norfolk Island number
            // gains its local 3. Never another country, and the result is canonical.
            String callingCode = Integer.toString(UTIL.getCountryCodeForRegion(parsed.region()));
            assertThat(digits).startsWith(callingCode);
            if (!parsed.e164().equals("+" + digits)) {
                assertThat(parsed.e164())
                        .isEqualTo(UTIL.format(UTIL.parse("+" + digits, "ZZ"), PhoneNumberFormat.E164));
            }
            assertThat(ANY_REGION.parse(parsed.e164())).isEqualTo(parsed);
        } catch (InvalidPhoneNumberException refused) {
            // The detail may name the calling code (at most 3 digits), never the number.
            if (digits.length() > 3) {
                assertThat(refused.detail()).doesNotContain(digits);
            }
        }
    }

    @Provide
    Arbitrary<String> digitStrings() {
        return Arbitraries.strings().withCharRange('0', '9').ofMinLength(1).ofMaxLength(17);
    }

    @Property
    void outsideTheAllowList_isRefused_insideItAccepted(@ForAll("mobiles") Phonenumber.PhoneNumber number) {
        String region = UTIL.getRegionCodeForNumber(number);
        String e164 = UTIL.format(number, PhoneNumberFormat.E164);
        String other = "DK".equals(region) ? "SE" : "DK";

        assertThat(new PhoneNumbers(Set.of(region)).parse(e164).region()).isEqualTo(region);
        assertThatThrownBy(() -> new PhoneNumbers(Set.of(other)).parse(e164))
                .isInstanceOfSatisfying(InvalidPhoneNumberException.class, e -> assertThat(e.reason())
                        .isEqualTo(InvalidPhoneNumberException.Reason.REGION_NOT_ALLOWED));
    }
}
