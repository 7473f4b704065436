package dev.twofa.app;

import static dev.twofa.app.common.Factors.WEBAUTHN;

import dev.twofa.app.api.Credential;
import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException.InvalidRequest;
import dev.twofa.app.api.TwoFactorException.WrongState;
import dev.twofa.app.common.CodeVerifier;
import dev.twofa.app.common.Notifications;
import dev.twofa.app.common.OrgPolicies;
import dev.twofa.app.common.Recipients;
import dev.twofa.app.common.StepUp;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.account.WebAuthnFactor;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.domain.webauthn.WebAuthnCredential;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.TwoFactorStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * POST /2fa/webauthn/credentials/remove: removes one security key or passkey, with a step-up proof
 * (like turning the app or SMS off). The last one is the last factor when neither the app nor SMS is
 * on: refused while the user's organisation requires two-factor authentication.
 */
public final class RemoveWebAuthn {
    private final TwoFactorStore store;
    private final StepUp stepUp;
    private final Notifications notifications;
    private final SecurityEvents events;
    private final Clock clock;

    public RemoveWebAuthn(
            TwoFactorStore store, StepUp stepUp, Notifications notifications, SecurityEvents events, Clock clock) {
        this.store = store;
        this.stepUp = stepUp;
        this.notifications = notifications;
        this.events = events;
        this.clock = clock;
    }

    public void remove(Principal principal, String id, Optional<Credential> proof) {
        Instant now = clock.instant();
        String userId = principal.userId();
        Account account = store.findAccount(userId).orElse(Account.empty(userId));
        WebAuthnCredential credential = find(store, principal, id);
        int seen = account.webauthnFactor().map(WebAuthnFactor::credentials).orElse(0);
        boolean lastKey = seen <= 1;
        boolean mustKeepAnother =
                lastKey && OrgPolicies.ensureMayRemove(store, principal, account.totpEnabled() || account.smsEnabled());
        CodeVerifier.Proof checked = stepUp.check(principal, account, proof, now);
        List<SecurityEvent> audit = new ArrayList<>(stepUp.spendEvents(principal, checked, now));
        audit.add(principal.event("webauthn_removed", WEBAUTHN, now, Map.of("credential", credential.name())));
        if (!store.removeWebAuthn(userId, credential, seen, mustKeepAnother, checked.spend(), now, audit)) {
            throw stepUp.refused(principal, account, checked, now, current -> {
                if (mustKeepAnother && !current.totpEnabled() && !current.smsEnabled()) {
                    return Optional.of(new WrongState("your organisation requires two-factor authentication"
                            + " and the other method was turned off meanwhile"));
                }
                boolean unchanged = current.webauthnFactor()
                        .map(f -> f.credentials() == seen)
                        .orElse(seen == 0);
                return unchanged
                        ? Optional.empty()
                        : Optional.of(
                                new WrongState("a security key was registered or removed at the same time; try again"));
            });
        }
        audit.forEach(events::committed);
        notifications.webauthnRemoved(Recipients.of(principal, account), credential.name());
    }

    /** The caller's credential of this id (base64url); another user's, or none, is an unknown id. */
    static WebAuthnCredential find(TwoFactorStore store, Principal principal, String id) {
        return store.webauthnCredentials(principal.userId()).stream()
                .filter(c -> java.security.MessageDigest.isEqual(
                        c.id().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        id.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .findFirst()
                .orElseThrow(RemoveWebAuthn::unknown);
    }

    static InvalidRequest unknown() {
        return new InvalidRequest("id", "This account has no security key with this id.");
    }
}
