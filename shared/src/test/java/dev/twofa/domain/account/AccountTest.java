package dev.twofa.domain.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twofa.domain.sms.SmsPurpose;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The account's factors and the copies it hands out: a caller can never change a stored ciphertext or salt. */
class AccountTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final TotpFactor TOTP = new TotpFactor(new byte[] {1, 2}, 7, NOW);
    private static final SmsFactor SMS = new SmsFactor(new byte[] {3}, "+45 •••• ••56", NOW);

    @Test
    void anEmptyAccount_hasNoFactorAndNoFailures() {
        Account empty = Account.empty("u");
        assertThat(empty.userId()).isEqualTo("u");
        assertThat(empty.totpEnabled()).isFalse();
        assertThat(empty.smsEnabled()).isFalse();
        assertThat(empty.hasAnyFactor()).isFalse();
        assertThat(empty.totpFactor()).isEmpty();
        assertThat(empty.smsFactor()).isEmpty();
        assertThat(empty.consecutiveFailures()).isZero();
        assertThat(empty.recoverySalt()).isNull();
    }

    @Test
    void eitherFactor_countsAsAFactor() {
        Account totp = new Account("u", null, TOTP, null, 0, null, null);
        Account sms = new Account("u", null, null, SMS, 0, null, null);

        assertThat(totp.totpEnabled()).isTrue();
        assertThat(totp.smsEnabled()).isFalse();
        assertThat(totp.hasAnyFactor()).isTrue();
        assertThat(totp.totpFactor()).containsSame(TOTP);
        assertThat(sms.smsEnabled()).isTrue();
        assertThat(sms.totpEnabled()).isFalse();
        assertThat(sms.hasAnyFactor()).isTrue();
        assertThat(sms.smsFactor()).containsSame(SMS);
    }

    @Test
    void failures_cannotBeNegative() {
        assertThat(new Account("u", null, null, null, 0, null, null).consecutiveFailures())
                .isZero();
        assertThatThrownBy(() -> new Account("u", null, null, null, -1, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bytes_areCopiedInAndOut() {
        byte[] salt = {9, 9};
        Account account = new Account("u", null, null, null, 0, null, salt);
        salt[0] = 0;
        account.recoverySalt()[1] = 0;
        assertThat(account.recoverySalt()).containsExactly(9, 9);

        byte[] secret = {1, 2};
        TotpFactor totp = new TotpFactor(secret, 1, NOW);
        secret[0] = 0;
        totp.secretCiphertext()[1] = 0;
        assertThat(totp.secretCiphertext()).containsExactly(1, 2);

        byte[] phone = {3, 4};
        SmsFactor sms = new SmsFactor(phone, "+45", NOW);
        phone[0] = 0;
        sms.phoneCiphertext()[1] = 0;
        assertThat(sms.phoneCiphertext()).containsExactly(3, 4);
    }

    @Test
    void anSmsChallenge_expiresAtItsExpiry_andKeepsItsBytes() {
        byte[] hash = {5, 6};
        byte[] phone = {7, 8};
        var challenge = new SmsChallenge("u", "c", SmsPurpose.ENABLE, hash, phone, "+45", 0, NOW, false);
        hash[0] = 0;
        phone[0] = 0;
        challenge.codeHash()[1] = 0;
        challenge.phoneCiphertext()[1] = 0;

        assertThat(challenge.codeHash()).containsExactly(5, 6);
        assertThat(challenge.phoneCiphertext()).containsExactly(7, 8);
        assertThat(challenge.isExpired(NOW.minusMillis(1))).isFalse();
        assertThat(challenge.isExpired(NOW)).isTrue();
        assertThat(new SmsChallenge("u", "c", SmsPurpose.LOGIN, hash, null, "+45", 0, NOW, false).phoneCiphertext())
                .isNull();
    }

    @Test
    void anEnableChallenge_carriesTheNumber_othersNeedNot() {
        assertThatThrownBy(() -> new SmsChallenge("u", "c", SmsPurpose.ENABLE, new byte[1], null, "+45", 0, NOW, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new SmsChallenge("u", "c", SmsPurpose.DISABLE, new byte[1], null, "+45", 0, NOW, false).purpose())
                .isEqualTo(SmsPurpose.DISABLE);
    }
}
