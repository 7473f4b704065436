package dev.twofa.domain.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.twofa.domain.sms.InvalidPhoneNumberException.Reason;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The boundaries of {@link PhoneNumbers}: five named countries, the dash range, 3-digit calling codes, "00". */
class PhoneNumberEdgesTest {
    private static final Set<String> FIVE = Set.of("DK", "SE", "NO", "FI", "IS");

    private static InvalidPhoneNumberException refusal(PhoneNumbers numbers, String input) {
        return catchThrowableOfType(InvalidPhoneNumberException.class, () -> numbers.parse(input));
    }

    @Test
    void fiveAllowedCountries_areStillNamed() {
        PhoneNumbers nordic = new PhoneNumbers(FIVE);

        assertThat(refusal(nordic, "+33 6 12 34 56 78").detail())
                .isEqualTo("We can't send codes to numbers in France. Enter a mobile number from Denmark, Finland,"
                        + " Iceland, Norway or Sweden.");
        assertThat(refusal(nordic, "+881 6 123456789").detail())
                .endsWith("from a country such as Denmark, Finland, Iceland, Norway or Sweden.");
    }

    @Test
    void theDashesWordProcessorsSubstitute_areSeparators_theirNeighboursAreNot() {
        PhoneNumbers any = new PhoneNumbers(Set.of());
        assertThat(any.parse("+45\u201020123456").e164()).isEqualTo("+4520123456");
        assertThat(any.parse("+45\u201520123456").e164()).isEqualTo("+4520123456");
        assertThat(refusal(any, "+45\u200f20123456").reason()).isEqualTo(Reason.NOT_A_NUMBER);
        assertThat(refusal(any, "+45\u201620123456").reason()).isEqualTo(Reason.NOT_A_NUMBER);
    }

    @Test
    void anInvalidNumber_namesItsCallingCode_ofOneToThreeDigits() {
        PhoneNumbers any = new PhoneNumbers(Set.of());
        assertThat(refusal(any, "+1").detail()).isEqualTo("This is not a valid phone number for +1. Check the digits.");
        assertThat(refusal(any, "+380 12").detail())
                .isEqualTo("This is not a valid phone number for +380 (Ukraine). Check the digits.");
        assertThat(refusal(any, "+999 12").detail())
                .isEqualTo("The digits after + are not a country code. Check the country code, e.g. +45 for Denmark.");
    }

    @Test
    void justTheInternationalPrefix_isAMissingCountryCode() {
        PhoneNumbers any = new PhoneNumbers(Set.of());
        assertThat(refusal(any, "00").reason()).isEqualTo(Reason.MISSING_COUNTRY_CODE);
        assertThat(refusal(any, "0").reason()).isEqualTo(Reason.MISSING_COUNTRY_CODE);
    }
}
