package dev.twofa.wiring;

import static org.assertj.core.api.Assertions.assertThatCode;

import dev.twofa.webauthn.Webauthn4jVerifier;
import org.junit.jupiter.api.Test;

/** Priming swallows a failing step (a slower first request, never a failed version): this is where one shows. */
class DomainPrimingTest {

    @Test
    void theWebAuthnCeremony_verifies_soPrimingWalksTheWholePath() {
        assertThatCode(() -> DomainPriming.webauthn(new Webauthn4jVerifier())).doesNotThrowAnyException();
    }

    @Test
    void theOtherSteps_run() {
        assertThatCode(DomainPriming::recoveryCodes).doesNotThrowAnyException();
        assertThatCode(DomainPriming::qrCode).doesNotThrowAnyException();
    }
}
