package dev.twofa.app;

import static dev.twofa.app.common.Factors.WEBAUTHN;

import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException;
import dev.twofa.app.api.TwoFactorException.InvalidRequest;
import dev.twofa.app.api.TwoFactorException.StepUpRequired;
import dev.twofa.app.api.TwoFactorException.WrongState;
import dev.twofa.app.common.Notifications;
import dev.twofa.app.common.Recipients;
import dev.twofa.app.common.StepUp;
import dev.twofa.app.common.WebAuthnCeremonies;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.account.WebAuthnFactor;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.domain.webauthn.Ceremony;
import dev.twofa.domain.webauthn.WebAuthnChallenge;
import dev.twofa.domain.webauthn.WebAuthnCredential;
import dev.twofa.domain.webauthn.WebAuthnPolicy;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.TwoFactorStore;
import dev.twofa.port.WebAuthnVerifier;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * POST /2fa/webauthn/register: verifies the browser's answer to the registration options (origin,
 * RP id, the current challenge, type, user presence, user verification when required) and stores
 * the credential. The challenge is spent by the transaction that stores it: one registration per
 * options. The step-up was given (and spent) with the options.
 */
public final class RegisterWebAuthn {
    /** The transports a browser may report (WebAuthn L3 AuthenticatorTransport); others are dropped. */
    public static final Set<String> TRANSPORTS = Set.of("usb", "nfc", "ble", "smart-card", "hybrid", "internal");

    private final TwoFactorStore store;
    private final WebAuthnVerifier verifier;
    private final WebAuthnCeremonies ceremonies;
    private final SecurityEvents events;
    private final Notifications notifications;
    private final Clock clock;

    public RegisterWebAuthn(
            TwoFactorStore store,
            WebAuthnVerifier verifier,
            WebAuthnCeremonies ceremonies,
            SecurityEvents events,
            Notifications notifications,
            Clock clock) {
        this.store = store;
        this.verifier = verifier;
        this.ceremonies = ceremonies;
        this.events = events;
        this.notifications = notifications;
        this.clock = clock;
    }

    /**
     * @param credentialId the response's {@code rawId}, which must be the id the authenticator put
     *     in its data
     * @param name the user's name for it; empty: "Passkey" or "Security key"
     */
    public WebAuthnCredential register(
            Principal principal, byte[] credentialId, WebAuthnVerifier.Registration response, Optional<String> name) {
        Instant now = clock.instant();
        String userId = principal.userId();
        Optional<String> chosen = name.map(n -> WebAuthnPolicy.name(n)
                .orElseThrow(() -> new InvalidRequest(
                        "name", "The name must be 1 to 64 characters, without control characters.")));
        Account account = store.findAccount(userId).orElse(Account.empty(userId));
        WebAuthnChallenge challenge = store.findWebAuthnChallenge(userId, Ceremony.REGISTER, now)
                .orElseThrow(() -> new InvalidRequest(
                        "credential", "No registration is in progress (used or expired); ask for new options."));
        if (!challenge.steppedUp() && account.hasAnyFactor()) {
            throw new StepUpRequired(StepUp.acceptedProofs(account));
        }
        WebAuthnVerifier.NewCredential verified;
        try {
            verified = verifier.verifyRegistration(response, ceremonies.expected(challenge));
        } catch (WebAuthnVerifier.Rejected e) {
            throw new InvalidRequest(
                    "credential", "The credential was refused: " + e.reason().description() + ".");
        }
        if (!MessageDigest.isEqual(verified.credentialId(), credentialId)) {
            throw new InvalidRequest("credential", "The credential was refused: its id is not the authenticator's.");
        }
        List<WebAuthnCredential> registered = store.webauthnCredentials(userId);
        if (registered.stream().anyMatch(c -> MessageDigest.isEqual(c.credentialId(), verified.credentialId()))) {
            throw new WrongState("this security key is registered already");
        }
        int slot = freeSlot(registered)
                .orElseThrow(() -> new WrongState("this account has " + WebAuthnPolicy.MAX_CREDENTIALS
                        + " security keys already; remove one first"));
        WebAuthnCredential credential = new WebAuthnCredential(
                slot,
                verified.credentialId(),
                verified.publicKey(),
                verified.signCount(),
                response.transports().stream()
                        .filter(TRANSPORTS::contains)
                        .collect(Collectors.toCollection(TreeSet::new))
                        .stream()
                        .toList(),
                verified.aaguid(),
                verified.backupEligible(),
                verified.backupState(),
                verified.userVerified(),
                chosen.orElse(verified.backupEligible() ? "Passkey" : WebAuthnPolicy.DEFAULT_NAME),
                now,
                null);
        List<SecurityEvent> audit = List.of(principal.event(
                "webauthn_registered",
                WEBAUTHN,
                now,
                Map.of("credential", credential.name(), "aaguid", credential.aaguidString())));
        int seen = account.webauthnFactor().map(WebAuthnFactor::credentials).orElse(0);
        if (!store.registerWebAuthn(challenge, credential, seen, now, audit)) {
            throw refusal(principal, challenge, now);
        }
        audit.forEach(events::committed);
        // After the commit, best effort: a failed notice never undoes the registration.
        notifications.webauthnRegistered(Recipients.of(principal, account), credential.name());
        return credential;
    }

    /** The lowest slot no credential holds. */
    private static Optional<Integer> freeSlot(List<WebAuthnCredential> registered) {
        Set<Integer> taken = registered.stream().map(WebAuthnCredential::slot).collect(Collectors.toSet());
        return IntStream.range(0, WebAuthnPolicy.MAX_CREDENTIALS)
                .filter(slot -> !taken.contains(slot))
                .boxed()
                .findFirst();
    }

    /** Why the registration's transaction was refused, from what holds now. */
    private TwoFactorException refusal(Principal principal, WebAuthnChallenge challenge, Instant now) {
        String userId = principal.userId();
        boolean current = store.findWebAuthnChallenge(userId, Ceremony.REGISTER, now)
                .filter(c -> c.value().equals(challenge.value()))
                .isPresent();
        if (!current) {
            return new InvalidRequest(
                    "credential", "No registration is in progress (used or expired); ask for new options.");
        }
        Account account = store.findAccount(userId).orElse(Account.empty(userId));
        if (!challenge.steppedUp() && account.hasAnyFactor()) {
            return new StepUpRequired(StepUp.acceptedProofs(account));
        }
        return new WrongState("another security key was registered or removed at the same time; try again");
    }
}
