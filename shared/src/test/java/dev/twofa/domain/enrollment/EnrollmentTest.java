package dev.twofa.domain.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Activation tokens (256 random bits, stored only hashed) and the pending enrollment's stages and expiry. */
class EnrollmentTest {
    private static final Instant EXPIRY = Instant.parse("2026-01-01T00:15:00Z");

    @Test
    void tokens_are43Base64UrlCharacters_andDistinct() {
        SecureRandom random = new SecureRandom();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            String token = ActivationToken.generate(random);
            assertThat(token).matches("[A-Za-z0-9_-]{43}");
            assertThat(ActivationToken.isWellFormed(token)).isTrue();
            assertThat(seen.add(token)).isTrue();
        }
    }

    @Test
    void onlyWellFormedTokens_areLookedUp() {
        assertThat(ActivationToken.isWellFormed(null)).isFalse();
        assertThat(ActivationToken.isWellFormed("a".repeat(42))).isFalse();
        assertThat(ActivationToken.isWellFormed("a".repeat(44))).isFalse();
        assertThat(ActivationToken.isWellFormed("a".repeat(42) + "=")).isFalse();
    }

    @Test
    void theStoredHash_isTheSha256OfTheToken() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assertThat(ActivationToken.hash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void aGrant_andAnEnrollment_expireAtTheirExpiry() {
        var grant = new ActivationGrant("h", "u", "e", EXPIRY);
        assertThat(grant.isExpired(EXPIRY.minusMillis(1))).isFalse();
        assertThat(grant.isExpired(EXPIRY)).isTrue();

        var started = PendingEnrollment.started("u", "e", "a@example.com", EXPIRY, true);
        assertThat(started.stage()).isEqualTo(EnrollmentStage.AWAITING_ACTIVATION);
        assertThat(started.userId()).isEqualTo("u");
        assertThat(started.enrollmentId()).isEqualTo("e");
        assertThat(started.email()).isEqualTo("a@example.com");
        assertThat(started.steppedUp()).isTrue();
        assertThat(started.secretCiphertext()).isNull();
        assertThat(started.isExpired(EXPIRY.minusMillis(1))).isFalse();
        assertThat(started.isExpired(EXPIRY)).isTrue();
    }

    @Test
    void anActivatedEnrollment_carriesItsSecret_asACopy() {
        assertThatThrownBy(() -> new PendingEnrollment(
                        "u", "e", EnrollmentStage.AWAITING_CONFIRMATION, null, null, EXPIRY, false))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] secret = {1, 2};
        var activated =
                new PendingEnrollment("u", "e", EnrollmentStage.AWAITING_CONFIRMATION, null, secret, EXPIRY, false);
        secret[0] = 0;
        activated.secretCiphertext()[1] = 0;
        assertThat(activated.secretCiphertext()).containsExactly(1, 2);
    }
}
