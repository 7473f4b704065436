package dev.twofa.domain.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SecretGeneratorTest {

    private final SecretGenerator generator = new SecretGenerator(new SecureRandom());

    @Test
    void newSecret_hasPolicyLength() {
        assertThat(generator.newSecret(OtpPolicy.DEFAULT)).hasSize(20);
        assertThat(generator.newSecret(new OtpPolicy(HmacAlgorithm.SHA512, 8, 30, 1, 64)))
                .hasSize(64);
    }

    @Test
    void newSecret_differsEachTime() {
        assertThat(generator.newSecret(OtpPolicy.DEFAULT)).isNotEqualTo(generator.newSecret(OtpPolicy.DEFAULT));
    }

    @Test
    void constructor_requiresRandom() {
        assertThatThrownBy(() -> new SecretGenerator(null)).isInstanceOf(NullPointerException.class);
    }
}
