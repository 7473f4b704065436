package dev.twofa.domain.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The boundaries of the TOTP check's outcome, the otpauth URI's encoding and the QR code's scale. */
class OtpEdgesTest {

    @Test
    void onlyAnAcceptedCheck_isAccepted() {
        assertThat(new TotpCheck(TotpCheck.Outcome.ACCEPTED, 5).isAccepted()).isTrue();
        assertThat(new TotpCheck(TotpCheck.Outcome.REPLAYED, 5).isAccepted()).isFalse();
        assertThat(TotpCheck.invalid().isAccepted()).isFalse();
        assertThat(TotpCheck.invalid().step()).isEqualTo(Totp.NO_STEP);
    }

    @Test
    void aTotp_reportsItsPolicy() {
        assertThat(new Totp(OtpPolicy.DEFAULT).policy()).isSameAs(OtpPolicy.DEFAULT);
    }

    @Test
    void percentEncoding_keepsExactlyTheUnreservedCharacters() {
        // Each neighbour of A-Z, a-z and 0-9 in ASCII is encoded; the ranges' ends are kept.
        assertThat(KeyUri.encode("@AZ[`az{/09:")).isEqualTo("%40AZ%5B%60az%7B%2F09%3A");
        assertThat(KeyUri.encode("-._~ +")).isEqualTo("-._~%20%2B");
        assertThat(KeyUri.encode("\u00e9")).isEqualTo("%C3%A9");
    }

    @Test
    void aSecretOfTheMinimumLength_isAccepted_oneByteLessIsNot() {
        OtpPolicy policy = OtpPolicy.DEFAULT;
        assertThat(KeyUri.of("Issuer", "a@example.com", new byte[OtpPolicy.MIN_SECRET_BYTES], policy))
                .startsWith("otpauth://totp/");
        assertThatThrownBy(() -> KeyUri.of("Issuer", "a@example.com", new byte[OtpPolicy.MIN_SECRET_BYTES - 1], policy))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void qrScale_isOneTo32() {
        assertThat(QrCode.png("otpauth://totp/x", 1)).isNotEmpty();
        assertThat(QrCode.png("otpauth://totp/x", 32)).isNotEmpty();
        assertThatThrownBy(() -> QrCode.png("otpauth://totp/x", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QrCode.png("otpauth://totp/x", 33)).isInstanceOf(IllegalArgumentException.class);
    }
}
