package dev.twofa.it.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twofa.aws.SnsSmsSender;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Sms;
import dev.twofa.port.SmsRejectedException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;

/** The SNS adapter against the SNS API: what it sends, and how SNS refusals surface. */
class SnsSmsSenderIT {
    private final SnsClient sns = Emulators.sns();
    private final SnsSmsSender sender = new SnsSmsSender(sns, Optional.of("TwoFA"));

    @Test
    void publishesTheTextToTheNumber() {
        String phone = Sms.uniqueDanishMobile();
        sender.send(phone, "TwoFA: 123456 is your code to sign in.");
        assertThat(Emulators.sentSmsTo(phone))
                .extracting(Emulators.SentSms::message)
                .containsExactly("TwoFA: 123456 is your code to sign in.");
    }

    @Test
    void optedOutNumber_isRejected_beforePublishing() {
        String phone = Sms.uniqueDanishMobile();
        String optedOut = phone.substring(0, phone.length() - 2) + "99";
        assertThatThrownBy(() -> sender.send(optedOut, "x"))
                .isInstanceOfSatisfying(SmsRejectedException.class, e -> assertThat(e.reason())
                        .isEqualTo(SmsRejectedException.Reason.OPTED_OUT));
        assertThat(Emulators.sentSmsTo(optedOut)).isEmpty();
    }

    @Test
    void invalidParameter_isARefusal_notAnOutage() {
        // SNS answers InvalidParameter for a destination it cannot use: a 4xx for the caller, no retry.
        assertThatThrownBy(() -> sender.send("+0123", "x"))
                .isInstanceOfSatisfying(SmsRejectedException.class, e -> assertThat(e.reason())
                        .isEqualTo(SmsRejectedException.Reason.REFUSED));
    }
}
