package dev.twofa.app;

import dev.twofa.app.api.Principal;
import dev.twofa.domain.webauthn.WebAuthnCredential;
import dev.twofa.port.TwoFactorStore;
import java.util.Comparator;
import java.util.List;

/** GET /2fa/webauthn/credentials: the user's security keys and passkeys, newest first. */
public final class ListWebAuthn {
    private final TwoFactorStore store;

    public ListWebAuthn(TwoFactorStore store) {
        this.store = store;
    }

    public List<WebAuthnCredential> list(Principal principal) {
        return store.webauthnCredentials(principal.userId()).stream()
                .sorted(Comparator.comparing(WebAuthnCredential::createdAt).reversed())
                .toList();
    }
}
