package dev.twofa.domain.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.twofa.domain.sms.InvalidPhoneNumberException.Reason;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PhoneNumbersTest {

    private static final String MISSING_COUNTRY_CODE_HINT =
            "Enter the number in international format, starting with + and the country code, e.g. +45 20 12 34 56.";
    private static final String NOT_MOBILE_TAIL = ". Codes are sent by text message, so enter a mobile number.";

    private final PhoneNumbers anyRegion = new PhoneNumbers(Set.of());

    @ParameterizedTest(name = "\"{0}\" -> {1} ({2})")
    @CsvSource(
            delimiter = '|',
            value = {
                // Denmark: the issue's own example; Danish mobile and fixed ranges share one plan, so
                // libphonenumber calls these FIXED_LINE_OR_MOBILE, and they are accepted.
                "+45 20 12 34 56|+4520123456|DK",
                "+4520123456|+4520123456|DK",
                "+45-20-12-34-56|+4520123456|DK",
                "+45.20.12.34.56|+4520123456|DK",
                "(+45) 2012 3456|+4520123456|DK",
                "  +45 20 12 34 56  |+4520123456|DK",
                "+ 45 20 12 34 56|+4520123456|DK",
                "0045 20 12 34 56|+4520123456|DK", // 00 is the international prefix: read as +
                "00 45 20123456|+4520123456|DK",
                "+45 40 12 34 56|+4540123456|DK",
                // United Kingdom: a trunk 0 written after the country code, "(0)" or bare, is dropped.
                "+44 7400 123456|+447400123456|GB",
                "+44 (0)7400 123456|+447400123456|GB",
                "+44 07400 123456|+447400123456|GB",
                "0044 (0) 7400-123-456|+447400123456|GB",
                // Crown dependencies share +44 but are their own regions in libphonenumber (and ISO 3166).
                "+44 7911 123456|+447911123456|GG",
                "+44 7797 123456|+447797123456|JE",
                "+44 7624 123456|+447624123456|IM",
                // North America: the plan cannot tell mobile from fixed, so these pass as FIXED_LINE_OR_MOBILE.
                "+1 (650) 253-0000|+16502530000|US",
                "+1 650.253.0000|+16502530000|US",
                "+1 613 555 0123|+16135550123|CA",
                // Germany, including the written "(0)" trunk prefix.
                "+49 151 23456789|+4915123456789|DE",
                "+49 (0)151 2345 6789|+4915123456789|DE",
                "+33 6 12 34 56 78|+33612345678|FR",
                "+33 (0)6 12 34 56 78|+33612345678|FR",
                "+91 98765 43210|+919876543210|IN",
                "+91-81234-56789|+918123456789|IN",
                "+55 11 91234-5678|+5511912345678|BR",
                "+55 (11) 9 1234-5678|+5511912345678|BR",
                "+81 90-1234-5678|+819012345678|JP",
                "+81 (0)90 1234 5678|+819012345678|JP",
                "+46 70 123 45 67|+46701234567|SE",
                "+61 412 345 678|+61412345678|AU",
                "+39 312 345 6789|+393123456789|IT",
                "+86 138 0013 8000|+8613800138000|CN",
            })
    void parse_normalisesMobileNumbersOfManyCountriesToE164(String input, String e164, String region) {
        PhoneNumber number = anyRegion.parse(input);

        assertThat(number.e164()).isEqualTo(e164);
        assertThat(number.region()).isEqualTo(region);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(
            strings = {
                "＋４５ ２０１２ ３４５６", // full-width, as a Japanese IME types it
                "+٤٥ ٢٠١٢٣٤٥٦", // Arabic-Indic digits
                "+45\u00a020\u00a012\u00a034\u00a056", // no-break spaces pasted from a web page
                "+45\u201320\u201312\u201334\u201356", // en dashes from a word processor
                "+45\t20123456"
            })
    void parse_readsDigitsOfOtherScriptsAndUnicodeSeparators(String input) {
        assertThat(anyRegion.parse(input).e164()).isEqualTo("+4520123456");
    }

    @Test
    void parse_refusesTheHelpCentreExample_plus45_12345678_asInvalid() {
        // libphonenumber 9.0.19: Danish numbers starting with 1 are not assigned to subscribers, so this is not valid.
        InvalidPhoneNumberException e = refusal(anyRegion, "+45 12345678");

        assertThat(e.reason()).isEqualTo(Reason.INVALID);
        assertThat(e.detail()).isEqualTo("This is not a valid phone number for +45 (Denmark). Check the digits.");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(
            delimiter = '|',
            value = {
                "+45 (0)20 12 34 56|This is not a valid phone number for +45 (Denmark). Check the digits.", // no trunk
                // 0
                "+45 2012 3456 7|This is not a valid phone number for +45 (Denmark). Check the digits.",
                "+45 2012 345|This is not a valid phone number for +45 (Denmark). Check the digits.",
                "+45|This is not a valid phone number for +45 (Denmark). Check the digits.",
                "+49 32 12345678|This is not a valid phone number for +49 (Germany). Check the digits.",
                "+1 555 555 5555|This is not a valid phone number for +1. Check the digits.", // +1 is many countries
                "+44 7700 900123|This is not a valid phone number for +44. Check the digits.",
                "+999 0123456|The digits after + are not a country code. Check the country code, e.g. +45 for Denmark.",
                "0000 20 12 34 56|The digits after + are not a country code. Check the country code, e.g. +45 for"
                        + " Denmark.",
                "+4520123456789012345|This is not a valid phone number for +45 (Denmark). Check the digits."
            })
    void parse_refusesNumbersTheNumberingPlanDoesNotAllow_asInvalid(String input, String detail) {
        InvalidPhoneNumberException e = refusal(anyRegion, input);

        assertThat(e.reason()).isEqualTo(Reason.INVALID);
        assertThat(e.detail()).isEqualTo(detail);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"20 12 34 56", "4520123456", "20123456", "020 7946 0958", "(0)151 23456789", "0 20 12"})
    void parse_refusesNumbersWithoutPlusAndCountryCode_withAHintToAddThem(String input) {
        InvalidPhoneNumberException e = refusal(anyRegion, input);

        assertThat(e.reason()).isEqualTo(Reason.MISSING_COUNTRY_CODE);
        assertThat(e.detail()).isEqualTo(MISSING_COUNTRY_CODE_HINT);
    }

    @ParameterizedTest(name = "\"{0}\" is {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "+49 30 12345678|a landline number", // Germany, Berlin
                "+44 20 7946 0958|a landline number", // United Kingdom, London
                "+44 (0)20 7946 0958|a landline number",
                "+33 1 23 45 67 89|a landline number",
                "+81 3 1234 5678|a landline number",
                "+55 11 3123 4567|a landline number",
                "+44 800 123 4567|a toll-free number",
                "+45 80 12 34 56|a toll-free number",
                "+1 800 555 0100|a toll-free number",
                "+45 90 12 34 56|a premium-rate number", // the numbers SMS pumping wants us to text
                "+49 900 1234567|a premium-rate number",
                "+44 909 876 5432|a premium-rate number",
                "+49 1801 234567|a shared-cost number",
                "+33 9 12 34 56 78|an internet (VoIP) number", // NIST SP 800-63B §5.1.3.1: no VoIP
                "+44 56 1234 5678|an internet (VoIP) number",
                "+44 70 1234 5678|a personal (call-forwarding) number",
                "+44 76 2345 6789|a pager number",
                "+44 303 123 4567|a company switchboard (UAN) number"
            })
    void parse_refusesNumbersThatAreNotMobile_whereLibphonenumberCanTell(String input, String kind) {
        InvalidPhoneNumberException e = refusal(anyRegion, input);

        assertThat(e.reason()).isEqualTo(Reason.NOT_MOBILE);
        assertThat(e.detail()).isEqualTo("This looks like " + kind + NOT_MOBILE_TAIL);
    }

    @Test
    void parse_refusesRegionsOutsideTheAllowList_namingTheCountryAndTheAllowedOnes() {
        PhoneNumbers nordic = new PhoneNumbers(Set.of("SE", "DK"));

        InvalidPhoneNumberException e = refusal(nordic, "+49 151 23456789");

        assertThat(e.reason()).isEqualTo(Reason.REGION_NOT_ALLOWED);
        assertThat(e.detail())
                .isEqualTo("We can't send codes to numbers in Germany. Enter a mobile number from Denmark or Sweden.");
        assertThat(nordic.parse("+45 20 12 34 56").e164()).isEqualTo("+4520123456");
        assertThat(nordic.parse("+46 70 123 45 67").e164()).isEqualTo("+46701234567");
    }

    @Test
    void parse_allowList_isByRegion_soGbDoesNotAdmitGuernseyOrCaribbeanNumbersSharingACallingCode() {
        PhoneNumbers gbAndUs = new PhoneNumbers(Set.of("GB", "US"));

        assertThat(gbAndUs.parse("+44 7400 123456").region()).isEqualTo("GB");
        assertThat(refusal(gbAndUs, "+44 7911 123456").detail())
                .isEqualTo("We can't send codes to numbers in Guernsey. Enter a mobile number from United Kingdom or"
                        + " United States.");
        assertThat(refusal(gbAndUs, "+1 876 210 1234").detail())
                .startsWith("We can't send codes to numbers in Jamaica.");
    }

    @Test
    void parse_longAllowList_isNotSpelledOut() {
        PhoneNumbers europe = new PhoneNumbers(Set.of("DK", "SE", "NO", "FI", "IS", "DE"));

        assertThat(refusal(europe, "+33 6 12 34 56 78").detail())
                .isEqualTo("We can't send codes to numbers in France. Enter a mobile number from a supported country.");
    }

    @Test
    void parse_checksTheRegionBeforeTheNumberType() {
        // Telling the user "enter a mobile number" would only lead to a second refusal for the country.
        InvalidPhoneNumberException e = refusal(new PhoneNumbers(Set.of("DK")), "+49 30 12345678");

        assertThat(e.reason()).isEqualTo(Reason.REGION_NOT_ALLOWED);
    }

    @Test
    void parse_refusesSatelliteAndOtherNonGeographicNumbers_evenWhenEveryRegionIsAllowed() {
        // +881 6 is an Iridium satellite mobile range: valid and MOBILE to libphonenumber, and very expensive to text.
        InvalidPhoneNumberException e = refusal(anyRegion, "+881 6 123456789");

        assertThat(e.reason()).isEqualTo(Reason.REGION_NOT_ALLOWED);
        assertThat(e.detail())
                .isEqualTo("We can't send codes to international service numbers (+881). Enter a mobile number from a"
                        + " country.");
        assertThat(refusal(new PhoneNumbers(Set.of("DK")), "+881 6 123456789").detail())
                .endsWith("Enter a mobile number from a country such as Denmark.");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "\t", "\u00a0"})
    void parse_refusesEmptyInput(String input) {
        InvalidPhoneNumberException e = refusal(anyRegion, input);

        assertThat(e.reason()).isEqualTo(Reason.EMPTY);
        assertThat(e.detail()).isEqualTo("Enter your mobile number in international format, e.g. +45 20 12 34 56.");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(
            strings = {
                "hello",
                "call me",
                "+45 20 12 34 56 ext. 12", // an extension would never reach the phone
                "+45 20 12 34 56;ext=1",
                "tel:+4520123456",
                "+45 20 12 34 56#",
                "+45/20123456",
                "+45 2O 12 34 56", // letter O
                "+45 20 12 34 5\u0000",
                "<script>",
                "+45 ++20123456",
                "45+20123456",
                "+",
                "+ - ( ) .",
                "-()"
            })
    void parse_refusesGarbage_asNotANumber(String input) {
        assertThat(refusal(anyRegion, input).reason()).isEqualTo(Reason.NOT_A_NUMBER);
    }

    @Test
    void parse_acceptsUpTo32Characters_andRefusesLongerInput() {
        String at32 = "+45" + " ".repeat(21) + "20123456";
        String at33 = "+45" + " ".repeat(22) + "20123456";

        assertThat(at32).hasSize(PhoneNumbers.MAX_INPUT_LENGTH);
        assertThat(anyRegion.parse(at32).e164()).isEqualTo("+4520123456");
        InvalidPhoneNumberException e = refusal(anyRegion, at33);
        assertThat(e.reason()).isEqualTo(Reason.NOT_A_NUMBER);
        assertThat(e.detail()).startsWith("This is too long for a phone number.");
        assertThat(refusal(anyRegion, "+45" + "1".repeat(10_000)).reason()).isEqualTo(Reason.NOT_A_NUMBER);
    }

    static Stream<Arguments> refusedInputs() {
        return Stream.of(
                Arguments.of("+45 12345678", "12345678"),
                Arguments.of("+45 9876 5432 1", "987654321"),
                Arguments.of("98 76 54 32", "98765432"),
                Arguments.of("+49 30 98765432", "3098765432"),
                Arguments.of("+49 151 98765432", "15198765432"),
                Arguments.of("+45 98 76 54 32 ext. 9", "98765432"),
                Arguments.of("+999 98765432", "98765432"),
                Arguments.of("+45 " + "9".repeat(40), "9999"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @MethodSource("refusedInputs")
    void refusal_neverEchoesTheNumber(String input, String digits) {
        InvalidPhoneNumberException e = refusal(new PhoneNumbers(Set.of("DK")), input);

        assertThat(e.detail()).doesNotContain(input.strip()).doesNotContain(digits);
        assertThat(e.getMessage()).doesNotContain(input.strip()).doesNotContain(digits);
    }

    @Test
    void parse_resultsAreMaskedWhenPrinted() {
        PhoneNumber number = anyRegion.parse("+45 20 12 34 56");

        assertThat(number.masked()).isEqualTo("+45 •••• ••56");
        assertThat(number.toString()).isEqualTo("+45 •••• ••56");
    }

    @Test
    void constructor_emptyAllowList_allowsEveryRegion() {
        assertThat(anyRegion.allowedRegions()).isEmpty();
        assertThat(anyRegion.parse("+55 11 91234-5678").region()).isEqualTo("BR");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"dk", "Dk", "UK", "ZZ", "001", "DNK", "", " DK", "XX"})
    void constructor_refusesCodesThatAreNotUpperCaseRegionsLibphonenumberKnows(String region) {
        assertThatThrownBy(() -> new PhoneNumbers(Set.of("DK", region)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ISO 3166-1 alpha-2");
    }

    @Test
    void constructor_refusesNulls() {
        Set<String> withNull = new HashSet<>();
        withNull.add(null);

        assertThatThrownBy(() -> new PhoneNumbers(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new PhoneNumbers(withNull)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void constructor_copiesTheAllowList() {
        Set<String> regions = new HashSet<>(Set.of("DK"));
        PhoneNumbers phoneNumbers = new PhoneNumbers(regions);

        regions.add("DE");

        assertThat(phoneNumbers.allowedRegions()).containsExactly("DK");
        assertThatThrownBy(() -> phoneNumbers.allowedRegions().add("DE"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(refusal(phoneNumbers, "+49 151 23456789").reason()).isEqualTo(Reason.REGION_NOT_ALLOWED);
    }

    @ParameterizedTest(name = "\"{0}\" -> {1} ({2})")
    @MethodSource("mobileNumbers")
    void stored_readsTheRegionBackFromTheE164ThatParseReturned(String input, String e164, String region) {
        PhoneNumber stored = PhoneNumbers.stored(anyRegion.parse(input).e164());

        assertThat(stored).isEqualTo(new PhoneNumber(e164, region));
    }

    static Stream<Arguments> mobileNumbers() {
        return Stream.of(
                Arguments.of("+45 20 12 34 56", "+4520123456", "DK"),
                // The region, not the calling code: a Jersey number is JE, a Canadian one CA, for the country budget.
                Arguments.of("+44 7797 123456", "+447797123456", "JE"),
                Arguments.of("+44 7400 123456", "+447400123456", "GB"),
                Arguments.of("+1 613 555 0123", "+16135550123", "CA"),
                Arguments.of("+1 (650) 253-0000", "+16502530000", "US"));
    }

    @Test
    void stored_ignoresTheAllowList_soNarrowingItDoesNotLockEnrolledUsersOut() {
        String enrolled = anyRegion.parse("+49 151 23456789").e164();

        assertThat(PhoneNumbers.stored(enrolled).region()).isEqualTo("DE");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "4520123456x", "+", "+80012345678", "+88213"})
    void stored_refusesWhatIsNotTheE164OfACountry_withoutEchoingIt(String e164) {
        assertThatThrownBy(() -> PhoneNumbers.stored(e164))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(e164.isEmpty() ? "\u0000" : e164));
    }

    private static InvalidPhoneNumberException refusal(PhoneNumbers phoneNumbers, String input) {
        InvalidPhoneNumberException e =
                catchThrowableOfType(InvalidPhoneNumberException.class, () -> phoneNumbers.parse(input));
        assertThat(e).as("parse(\"%s\") must throw", input).isNotNull();
        return e;
    }
}
