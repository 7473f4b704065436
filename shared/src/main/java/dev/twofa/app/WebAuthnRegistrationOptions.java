package dev.twofa.app;

import dev.twofa.app.api.Credential;
import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException.WrongState;
import dev.twofa.app.common.CodeVerifier;
import dev.twofa.app.common.StepUp;
import dev.twofa.app.common.WebAuthnCeremonies;
import dev.twofa.config.WebAuthnSettings;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.domain.webauthn.Ceremony;
import dev.twofa.domain.webauthn.WebAuthnChallenge;
import dev.twofa.domain.webauthn.WebAuthnCredential;
import dev.twofa.domain.webauthn.WebAuthnPolicy;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.TwoFactorStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * POST /2fa/webauthn/register/options: the options of navigator.credentials.create for a new
 * security key or passkey, with a fresh single-use challenge. While the account has another factor,
 * only with a step-up proof of it (spent here, with the challenge stored), as enabling the app or SMS.
 */
public final class WebAuthnRegistrationOptions {
    private final TwoFactorStore store;
    private final StepUp stepUp;
    private final WebAuthnCeremonies ceremonies;
    private final SecurityEvents events;
    private final Clock clock;

    public WebAuthnRegistrationOptions(
            TwoFactorStore store, StepUp stepUp, WebAuthnCeremonies ceremonies, SecurityEvents events, Clock clock) {
        this.store = store;
        this.stepUp = stepUp;
        this.ceremonies = ceremonies;
        this.events = events;
        this.clock = clock;
    }

    /**
     * @param userName what the authenticator shows for the account (the email, else the user id)
     * @param exclude the credentials already registered: the authenticator refuses to make a second one
     */
    public record Options(
            WebAuthnSettings settings,
            WebAuthnChallenge challenge,
            byte[] userHandle,
            String userName,
            List<WebAuthnCredential> exclude) {}

    public Options options(Principal principal, Optional<Credential> proof) {
        Instant now = clock.instant();
        String userId = principal.userId();
        Account account = store.findAccount(userId).orElse(Account.empty(userId));
        List<WebAuthnCredential> registered = store.webauthnCredentials(userId);
        if (registered.size() >= WebAuthnPolicy.MAX_CREDENTIALS) {
            throw new WrongState(
                    "this account has " + WebAuthnPolicy.MAX_CREDENTIALS + " security keys already; remove one first");
        }
        Optional<CodeVerifier.Proof> checked =
                account.hasAnyFactor() ? Optional.of(stepUp.check(principal, account, proof, now)) : Optional.empty();
        WebAuthnChallenge challenge = ceremonies.newChallenge(userId, Ceremony.REGISTER, checked.isPresent(), now);
        List<SecurityEvent> audit = new ArrayList<>();
        checked.ifPresent(p -> audit.addAll(stepUp.spendEvents(principal, p, now)));
        if (!store.putWebAuthnChallenge(challenge, checked.map(CodeVerifier.Proof::spend), now, audit)) {
            throw stepUp.refused(principal, account, checked.orElseThrow(), now, current -> Optional.empty());
        }
        audit.forEach(events::committed);
        return new Options(
                ceremonies.settings(),
                challenge,
                WebAuthnPolicy.userHandle(userId),
                principal.emailAddress().orElse(userId),
                registered);
    }
}
