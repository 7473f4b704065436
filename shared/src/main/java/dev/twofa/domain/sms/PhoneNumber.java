package dev.twofa.domain.sms;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A mobile number that passed {@link PhoneNumbers#parse}: E.164 for sending and storing, plus the region it belongs
 * to. Only {@link #masked()} may appear in responses and logs; {@link #toString()} returns it too, so a number that
 * slips into a log line by accident is still masked.
 *
 * @param e164 the number in E.164 form, e.g. {@code +4520123456} (ITU-T E.164: {@code +}, at most 15 digits)
 * @param region the ISO 3166-1 alpha-2 code of the number's region as libphonenumber assigns it, e.g. {@code DK}
 */
public record PhoneNumber(String e164, String region) {

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");
    private static final char MASK = '\u2022';
    private static final int VISIBLE_DIGITS = 2;
    private static final int GROUP = 4;

    public PhoneNumber {
        Objects.requireNonNull(e164, "e164");
        Objects.requireNonNull(region, "region");
        if (!E164.matcher(e164).matches()) {
            // Not echoed: the value is a phone number, which must not reach logs unmasked.
            throw new IllegalArgumentException("e164 must be + and 2 to 15 digits");
        }
        if (!PhoneNumberUtil.getInstance().getSupportedRegions().contains(region)) {
            throw new IllegalArgumentException("region must be a region libphonenumber supports, was " + region);
        }
        if (!e164.startsWith("+" + callingCode(region))) {
            throw new IllegalArgumentException("e164 does not start with the calling code of " + region);
        }
    }

    /**
     * The form users and logs may see: {@code +45 •••• ••56}. The calling code, then the national significant number
     * with all but its last two digits replaced by U+2022, in groups of four from the right. Two digits let a user tell their own
     * numbers apart without giving an attacker who sees the response a number to target.
     */
    public String masked() {
        String callingCode = Integer.toString(callingCode(region));
        String national = e164.substring(1 + callingCode.length());
        StringBuilder out = new StringBuilder("+").append(callingCode).append(' ');
        int hidden = Math.max(0, national.length() - VISIBLE_DIGITS);
        for (int i = 0; i < national.length(); i++) {
            // Groups of four counted from the end, so the two visible digits always stay together.
            if (i > 0 && (national.length() - i) % GROUP == 0) {
                out.append(' ');
            }
            out.append(i < hidden ? MASK : national.charAt(i));
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return masked();
    }

    private static int callingCode(String region) {
        return PhoneNumberUtil.getInstance().getCountryCodeForRegion(region);
    }
}
