package dev.twofa.domain.webauthn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebAuthnPolicyTest {

    @Test
    void names_areTrimmedAndBounded_withoutControlOrFormatCharacters() {
        assertThat(WebAuthnPolicy.name("  YubiKey 5C  ")).contains("YubiKey 5C");
        assertThat(WebAuthnPolicy.name("x".repeat(64))).isPresent();
        assertThat(WebAuthnPolicy.name("x".repeat(65))).isEmpty();
        assertThat(WebAuthnPolicy.name("   ")).isEmpty();
        assertThat(WebAuthnPolicy.name("key\nSubject: hi")).isEmpty();
        assertThat(WebAuthnPolicy.name("key\u202Egnp.exe")).isEmpty();
        assertThat(WebAuthnPolicy.name(null)).isEmpty();
        // What the fuzzer sent under the old schema: a C1 control before an astral letter.
        assertThat(WebAuthnPolicy.name("\u0090\uD80E\uDD8D")).isEmpty();
        assertThat(WebAuthnPolicy.name("\uD80E\uDD8D")).contains("\uD80E\uDD8D");
        assertThat(WebAuthnPolicy.name("\uD83D\uDD11".repeat(64))).isPresent();
        assertThat(WebAuthnPolicy.name("\uD83D\uDD11".repeat(65))).isEmpty();
        assertThat(WebAuthnPolicy.name("Yubi\u200Bkey")).isEmpty();
        assertThat(WebAuthnPolicy.name("key\u00AD")).isEmpty();
        assertThat(WebAuthnPolicy.name("\u3000\u2003")).isEmpty();
        // Checked as sent, as the schema checks it: a trailing newline is refused, not trimmed away.
        assertThat(WebAuthnPolicy.name("key\n")).isEmpty();
        assertThat(WebAuthnPolicy.name("\u00A0")).contains("\u00A0");
    }

    @Test
    void userHandle_isOpaque32Bytes_stablePerUser() {
        assertThat(WebAuthnPolicy.userHandle("alice")).hasSize(32).isEqualTo(WebAuthnPolicy.userHandle("alice"));
        assertThat(WebAuthnPolicy.userHandle("alice")).isNotEqualTo(WebAuthnPolicy.userHandle("bob"));
    }

    private static WebAuthnCredential withCount(long count) {
        return new WebAuthnCredential(
                0,
                new byte[] {1},
                new byte[] {2},
                count,
                List.of(),
                new byte[16],
                false,
                false,
                true,
                "k",
                Instant.EPOCH,
                null);
    }

    @Test
    void counter_mustGrow_whenEitherSideCounts() {
        assertThat(withCount(0).counterRegressed(0)).isFalse();
        assertThat(withCount(0).counterRegressed(1)).isFalse();
        assertThat(withCount(5).counterRegressed(6)).isFalse();
        assertThat(withCount(5).counterRegressed(5)).isTrue();
        assertThat(withCount(5).counterRegressed(4)).isTrue();
        assertThat(withCount(5).counterRegressed(0)).isTrue();
    }

    @Test
    void credential_refusesOutOfRangeSlotsAndIds() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WebAuthnCredential(
                        10,
                        new byte[] {1},
                        new byte[] {2},
                        0,
                        List.of(),
                        new byte[16],
                        false,
                        false,
                        true,
                        "k",
                        Instant.EPOCH,
                        null))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WebAuthnCredential(
                        0,
                        new byte[1024],
                        new byte[] {2},
                        0,
                        List.of(),
                        new byte[16],
                        false,
                        false,
                        true,
                        "k",
                        Instant.EPOCH,
                        null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(withCount(0).aaguidString()).isEqualTo("00000000-0000-0000-0000-000000000000");
    }
}
