package dev.twofa.app;

import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException.WrongState;
import dev.twofa.app.common.WebAuthnCeremonies;
import dev.twofa.config.WebAuthnSettings;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.webauthn.Ceremony;
import dev.twofa.domain.webauthn.WebAuthnChallenge;
import dev.twofa.domain.webauthn.WebAuthnCredential;
import dev.twofa.port.TwoFactorStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * POST /2fa/webauthn/authenticate/options: the options of navigator.credentials.get for the sign-in
 * step, with a fresh single-use challenge (it replaces the last one) and the user's credentials in
 * allowCredentials.
 */
public final class WebAuthnAuthenticationOptions {
    private final TwoFactorStore store;
    private final WebAuthnCeremonies ceremonies;
    private final Clock clock;

    public WebAuthnAuthenticationOptions(TwoFactorStore store, WebAuthnCeremonies ceremonies, Clock clock) {
        this.store = store;
        this.ceremonies = ceremonies;
        this.clock = clock;
    }

    public record Options(WebAuthnSettings settings, WebAuthnChallenge challenge, List<WebAuthnCredential> allow) {}

    public Options options(Principal principal) {
        Instant now = clock.instant();
        String userId = principal.userId();
        Account account = store.findAccount(userId).orElse(Account.empty(userId));
        if (!account.webauthnEnabled()) {
            throw new WrongState("no security key or passkey is registered");
        }
        List<WebAuthnCredential> allow = store.webauthnCredentials(userId);
        WebAuthnChallenge challenge = ceremonies.newChallenge(userId, Ceremony.AUTHENTICATE, false, now);
        store.putWebAuthnChallenge(challenge, Optional.empty(), now, List.of());
        return new Options(ceremonies.settings(), challenge, allow);
    }
}
