package dev.twofa.app;

import static dev.twofa.app.common.Factors.WEBAUTHN;

import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException.InvalidRequest;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.domain.webauthn.WebAuthnCredential;
import dev.twofa.domain.webauthn.WebAuthnPolicy;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.TwoFactorStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * POST /2fa/webauthn/credentials/rename: a new name for one of the user's credentials. Needs no
 * step-up: a name neither adds nor takes away a way of signing in.
 */
public final class RenameWebAuthn {
    private final TwoFactorStore store;
    private final SecurityEvents events;
    private final Clock clock;

    public RenameWebAuthn(TwoFactorStore store, SecurityEvents events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    public WebAuthnCredential rename(Principal principal, String id, String name) {
        Instant now = clock.instant();
        String newName = WebAuthnPolicy.name(name)
                .orElseThrow(() ->
                        new InvalidRequest("name", "The name must be 1 to 64 characters, without control characters."));
        WebAuthnCredential credential = RemoveWebAuthn.find(store, principal, id);
        List<SecurityEvent> audit = List.of(principal.event(
                "webauthn_renamed", WEBAUTHN, now, Map.of("credential", newName, "was", credential.name())));
        if (!store.renameWebAuthn(principal.userId(), credential, newName, audit)) {
            throw RemoveWebAuthn.unknown();
        }
        audit.forEach(events::committed);
        return credential.withName(newName);
    }
}
