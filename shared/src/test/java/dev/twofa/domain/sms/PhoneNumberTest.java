package dev.twofa.domain.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhoneNumberTest {

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "+4520123456|DK|+45 •••• ••56", // the format: 8 digits, last 2 shown
                "+4540123478|DK|+45 •••• ••78",
                "+447400123456|GB|+44 •• •••• ••56",
                "+447911123456|GG|+44 •• •••• ••56",
                "+16502530000|US|+1 •• •••• ••00",
                "+4915123456789|DE|+49 ••• •••• ••89",
                "+33612345678|FR|+33 • •••• ••78", // 9 digits: groups of 4 from the right keep the last two together
                "+919876543210|IN|+91 •• •••• ••10",
                "+5511912345678|BR|+55 ••• •••• ••78",
                "+819012345678|JP|+81 •• •••• ••78",
                "+390612345678|IT|+39 •• •••• ••78", // Italy keeps its leading 0 in E.164: it is masked too
                "+46701234567|SE|+46 • •••• ••67",
                "+8613800138000|CN|+86 ••• •••• ••00",
                "+6831234|NU|+683 ••34" // Niue: 4-digit numbers still hide all but 2
            })
    void masked_showsCallingCodeAndLastTwoDigits_inGroupsOfFour(String e164, String region, String masked) {
        PhoneNumber number = new PhoneNumber(e164, region);

        assertThat(number.masked()).isEqualTo(masked);
        assertThat(number.masked().chars().filter(c -> c == '•').count())
                .isEqualTo(e164.length() - masked.indexOf(' ') - 2);
    }

    @Test
    void toString_isTheMaskedForm_soAnAccidentalLogLineDoesNotLeakTheNumber() {
        PhoneNumber number = new PhoneNumber("+4520123456", "DK");

        assertThat(number.toString()).isEqualTo("+45 •••• ••56").doesNotContain("20123456");
        assertThat(String.valueOf(java.util.List.of(number))).doesNotContain("20123456");
    }

    @Test
    void equality_isByValue() {
        assertThat(new PhoneNumber("+4520123456", "DK")).isEqualTo(new PhoneNumber("+4520123456", "DK"));
        assertThat(new PhoneNumber("+447400123456", "GB")).isNotEqualTo(new PhoneNumber("+447400123456", "GG"));
    }

    @ParameterizedTest(name = "\"{0}\" / {1}")
    @CsvSource({
        "4520123456, DK", // no +
        "+45 20123456, DK", // not compact
        "+0520123456, DK",
        "+4, DK",
        "+1234567890123456, DK", // 16 digits: longer than E.164 allows
        "+4520123456, SE", // calling code of another region
        "+4620123456, DK",
        "+4520123456, dk",
        "+4520123456, ZZ",
        "+4520123456, 001"
    })
    void constructor_refusesValuesThatAreNotAnE164NumberOfThatRegion(String e164, String region) {
        assertThatThrownBy(() -> new PhoneNumber(e164, region))
                .isInstanceOf(IllegalArgumentException.class)
                .message()
                .doesNotContain(e164.length() > 6 ? e164.substring(3) : e164);
    }

    @Test
    void constructor_refusesNulls() {
        assertThatThrownBy(() -> new PhoneNumber(null, "DK")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new PhoneNumber("+4520123456", null)).isInstanceOf(NullPointerException.class);
    }
}
