package dev.twofa.domain.sms;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber;
import dev.twofa.domain.sms.InvalidPhoneNumberException.Reason;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Turns what a user typed into an E.164 mobile number we are willing to text, or refuses it with a reason and a hint.
 * Every check runs before SNS is called: each SMS costs money, and numbers SNS would reject (or premium and
 * international-service numbers an attacker would choose for SMS pumping) should cost nothing.
 *
 * <p>Validity and number types come from Google's libphonenumber metadata. Where a numbering plan does not separate
 * mobile from fixed-line ranges (Denmark, the US and Canada: {@code FIXED_LINE_OR_MOBILE}) the number is accepted and
 * only delivery can tell.
 */
public final class PhoneNumbers {

    /** Room for the longest E.164 number (15 digits) with a + and generous spacing, dashes and parentheses. */
    public static final int MAX_INPUT_LENGTH = 32;

    static final String EXAMPLE = "+45 20 12 34 56";

    /** libphonenumber's region for numbers that belong to no country (+800, +881 satellite phones and the like). */
    private static final String NON_GEOGRAPHIC = "001";

    /** Beyond this many countries, naming them all in a message would not help. */
    private static final int MAX_NAMED_REGIONS = 5;

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private final Set<String> allowedRegions;

    /**
     * @param allowedRegions upper-case ISO 3166-1 alpha-2 codes of the regions we send SMS to; empty allows every
     *     region. Regions are libphonenumber's: +44 numbers in Guernsey, Jersey and the Isle of Man are GG, JE and IM,
     *     not GB, and +1 numbers are split into the US, Canada and each Caribbean country. That granularity is the
     *     point: SMS pumping targets exactly such expensive destinations that share a calling code with cheap ones.
     */
    public PhoneNumbers(Set<String> allowedRegions) {
        Objects.requireNonNull(allowedRegions, "allowedRegions");
        Set<String> supported = UTIL.getSupportedRegions();
        for (String region : allowedRegions) {
            // Checked here so that a typo such as "UK" (the ISO code is GB) fails at init, not as refused users.
            if (region == null || !region.matches("[A-Z]{2}") || !supported.contains(region)) {
                throw new IllegalArgumentException(
                        "allowedRegions must hold upper-case ISO 3166-1 alpha-2 codes known to libphonenumber, was "
                                + region);
            }
        }
        this.allowedRegions = Set.copyOf(allowedRegions);
    }

    /** The configured allow-list; empty means every region. */
    public Set<String> allowedRegions() {
        return allowedRegions;
    }

    /**
     * Parses a number in international format: a leading {@code +} (or the {@code 00} international prefix) and the
     * country code, then the number, with spaces, dashes, dots and parentheses allowed anywhere. A trunk prefix written
     * after the country code, as in {@code +44 (0)7400 123456}, is dropped the way libphonenumber drops national
     * prefixes; in countries without one (Denmark) the extra 0 makes the number invalid.
     *
     * @throws InvalidPhoneNumberException if the number is empty, malformed, invalid, not a mobile number, or from a
     *     region that is not allowed
     */
    public PhoneNumber parse(String input) {
        String digits = internationalDigits(input);
        Phonenumber.PhoneNumber number;
        try {
            number = UTIL.parse("+" + digits, "ZZ");
        } catch (NumberParseException e) {
            throw invalid(digits);
        }
        if (!UTIL.isValidNumber(number)) {
            throw invalid(digits);
        }
        String region = UTIL.getRegionCodeForNumber(number);
        if (region == null || NON_GEOGRAPHIC.equals(region)) {
            // Satellite and international-service numbers (+881, +882...) cost the most per SMS and are a favourite
            // SMS-pumping destination; they belong to no country, so no allow-list entry can admit them.
            throw new InvalidPhoneNumberException(
                    Reason.REGION_NOT_ALLOWED,
                    "We can't send codes to international service numbers (+" + number.getCountryCode()
                            + "). Enter a mobile number from a country" + allowedCountriesHint() + ".");
        }
        if (!allowedRegions.isEmpty() && !allowedRegions.contains(region)) {
            throw new InvalidPhoneNumberException(
                    Reason.REGION_NOT_ALLOWED,
                    "We can't send codes to numbers in " + countryName(region) + ". Enter a mobile number from "
                            + (allowedRegions.size() <= MAX_NAMED_REGIONS ? countryList() : "a supported country")
                            + ".");
        }
        PhoneNumberType type = UTIL.getNumberType(number);
        if (!receivesSms(type)) {
            throw new InvalidPhoneNumberException(
                    Reason.NOT_MOBILE,
                    "This looks like " + describe(type) + ". Codes are sent by text message, so enter a mobile"
                            + " number.");
        }
        return new PhoneNumber(UTIL.format(number, PhoneNumberFormat.E164), region);
    }

    /**
     * A number that {@link #parse} accepted earlier (an enrolled factor's, decrypted), with its region read back from
     * the E.164 digits. The allow-list is not applied again: narrowing it must not lock enrolled users out of sign-in.
     *
     * @throws IllegalArgumentException if {@code e164} is not a valid E.164 number of a country; never echoes it
     */
    public static PhoneNumber stored(String e164) {
        Objects.requireNonNull(e164, "e164");
        Phonenumber.PhoneNumber number;
        try {
            number = UTIL.parse(e164, "ZZ");
        } catch (NumberParseException e) {
            throw new IllegalArgumentException("stored number is not in E.164 form");
        }
        String region = UTIL.getRegionCodeForNumber(number);
        if (region == null || NON_GEOGRAPHIC.equals(region)) {
            throw new IllegalArgumentException("stored number belongs to no country");
        }
        return new PhoneNumber(e164, region);
    }

    /**
     * Checks the characters and the international prefix, and returns the digits after it, ASCII only. Digits of
     * other scripts (full-width from a Japanese IME, Arabic-Indic) are read as the digits they are, as libphonenumber
     * does; anything that is not a digit or a separator is refused rather than guessed at, so an extension ("ext. 12")
     * or a pasted URL never becomes part of a number we text.
     */
    private static String internationalDigits(String input) {
        String text = input == null ? "" : input.strip();
        if (text.codePoints().allMatch(PhoneNumbers::isBlank)) {
            throw new InvalidPhoneNumberException(
                    Reason.EMPTY, "Enter your mobile number in international format, e.g. " + EXAMPLE + ".");
        }
        if (text.length() > MAX_INPUT_LENGTH) {
            throw new InvalidPhoneNumberException(
                    Reason.NOT_A_NUMBER,
                    "This is too long for a phone number. Enter it in international format, e.g. " + EXAMPLE + ".");
        }
        StringBuilder compact = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (Character.getType(c) == Character.DECIMAL_DIGIT_NUMBER) {
                compact.append((char) ('0' + Character.digit(c, 10)));
            } else if (c == '+' || c == '\uFF0B') {
                compact.append('+');
            } else if (!isSeparator(c)) {
                throw new InvalidPhoneNumberException(
                        Reason.NOT_A_NUMBER,
                        "Use only digits, spaces, dashes, dots and parentheses, starting with + and the country code,"
                                + " e.g. " + EXAMPLE + ".");
            }
        }
        if (compact.indexOf("+", 1) >= 0
                || compact.length() == 0
                || compact.toString().equals("+")) {
            throw new InvalidPhoneNumberException(
                    Reason.NOT_A_NUMBER,
                    "Enter the number with one + at the start, then the country code and the number, e.g. " + EXAMPLE
                            + ".");
        }
        if (compact.charAt(0) == '+') {
            return compact.substring(1);
        }
        if (compact.length() > 2 && compact.charAt(0) == '0' && compact.charAt(1) == '0') {
            // 00 is the international prefix in most of the world, so "0045 ..." means "+45 ...".
            return compact.substring(2);
        }
        // No default region: guessing the country would send codes (and costs) to whichever country the digits
        // happen to fit.
        throw new InvalidPhoneNumberException(
                Reason.MISSING_COUNTRY_CODE,
                "Enter the number in international format, starting with + and the country code, e.g. " + EXAMPLE
                        + ".");
    }

    /** Whitespace, including the no-break spaces that String.strip keeps but web pages paste. */
    private static boolean isBlank(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static boolean isSeparator(int c) {
        return isBlank(c)
                || c == '-'
                || (c >= '\u2010' && c <= '\u2015') // hyphens and dashes word processors substitute
                || c == '\u2212'
                || c == '.'
                || c == '('
                || c == ')';
    }

    private static InvalidPhoneNumberException invalid(String digits) {
        Integer callingCode = callingCodePrefix(digits);
        if (callingCode == null) {
            return new InvalidPhoneNumberException(
                    Reason.INVALID,
                    "The digits after + are not a country code. Check the country code, e.g. +45 for Denmark.");
        }
        List<String> regions = UTIL.getRegionCodesForCountryCode(callingCode);
        String country = regions.size() == 1 && !NON_GEOGRAPHIC.equals(regions.get(0))
                ? " (" + countryName(regions.get(0)) + ")"
                : "";
        return new InvalidPhoneNumberException(
                Reason.INVALID,
                "This is not a valid phone number for +" + callingCode + country + ". Check the digits.");
    }

    /** The country calling code the digits start with; calling codes are prefix-free (ITU-T E.164), so one fits. */
    private static Integer callingCodePrefix(String digits) {
        if (digits.startsWith("0")) {
            return null;
        }
        for (int length = 1; length <= 3 && length <= digits.length(); length++) {
            int candidate = Integer.parseInt(digits.substring(0, length));
            if (!UTIL.getRegionCodesForCountryCode(candidate).isEmpty()) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * MOBILE, and FIXED_LINE_OR_MOBILE where the plan cannot tell. Everything else is refused: landlines, pagers and
     * service numbers cannot receive SMS or would bill us (premium rate, SMS pumping), and VoIP, personal (UK 070
     * call-forwarding), UAN and voicemail numbers are not tied to one phone: NIST SP 800-63B §5.1.3.1 says methods
     * that do not prove possession of a specific device, such as VoIP, SHALL NOT be used for out-of-band codes.
     */
    private static boolean receivesSms(PhoneNumberType type) {
        return type == PhoneNumberType.MOBILE || type == PhoneNumberType.FIXED_LINE_OR_MOBILE;
    }

    private static String describe(PhoneNumberType type) {
        return switch (type) {
            case FIXED_LINE -> "a landline number";
            case TOLL_FREE -> "a toll-free number";
            case PREMIUM_RATE -> "a premium-rate number";
            case SHARED_COST -> "a shared-cost number";
            case VOIP -> "an internet (VoIP) number";
            case PERSONAL_NUMBER -> "a personal (call-forwarding) number";
            case PAGER -> "a pager number";
            case UAN -> "a company switchboard (UAN) number";
            case VOICEMAIL -> "a voicemail access number";
            default -> "a number that cannot receive text messages";
        };
    }

    private String allowedCountriesHint() {
        if (allowedRegions.isEmpty()) {
            return "";
        }
        return allowedRegions.size() <= MAX_NAMED_REGIONS ? " such as " + countryList() : "";
    }

    /** Allowed countries by English name, alphabetically, joined with commas and a final "or". */
    private String countryList() {
        List<String> names =
                allowedRegions.stream().map(PhoneNumbers::countryName).sorted().toList();
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    /** English, whatever the JVM's default locale: the message is one API response language, not a server setting. */
    static String countryName(String region) {
        return Locale.of("", region).getDisplayCountry(Locale.ENGLISH);
    }
}
