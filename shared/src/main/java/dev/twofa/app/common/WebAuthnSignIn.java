package dev.twofa.app.common;

import static dev.twofa.app.common.Factors.WEBAUTHN;

import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException.InvalidCode;
import dev.twofa.app.api.TwoFactorException.WrongState;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.domain.webauthn.Ceremony;
import dev.twofa.domain.webauthn.WebAuthnChallenge;
import dev.twofa.domain.webauthn.WebAuthnCredential;
import dev.twofa.domain.webauthn.WebAuthnPolicy;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.TwoFactorStore;
import dev.twofa.port.WebAuthnVerifier;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A sign-in with a security key or passkey: it signed the user's current authentication challenge.
 * The lockout applies as to codes: an unknown credential (another user's among them), a response
 * from another origin or for another RP id, a bad signature, a missing UV when required and a
 * counter that did not grow are counted failures; the last is also audited as {@code
 * webauthn_clone_suspected}. The challenge is spent by the transaction that records the sign-in, so
 * one challenge signs in once; a challenge that is no longer current is refused without counting.
 */
public final class WebAuthnSignIn {
    public static final String CLONE_SUSPECTED = "webauthn_clone_suspected";

    private final TwoFactorStore store;
    private final AttemptGuard guard;
    private final SecurityEvents events;
    private final WebAuthnVerifier verifier;
    private final WebAuthnCeremonies ceremonies;

    public WebAuthnSignIn(
            TwoFactorStore store,
            AttemptGuard guard,
            SecurityEvents events,
            WebAuthnVerifier verifier,
            WebAuthnCeremonies ceremonies) {
        this.store = store;
        this.guard = guard;
        this.events = events;
        this.verifier = verifier;
        this.ceremonies = ceremonies;
    }

    /**
     * Checks the assertion, runs {@code beforeCommit} with whether the user was verified (signing the
     * assertion), then spends the challenge with the {@code verify_succeeded} audit item in one
     * transaction.
     */
    public <T> T signIn(
            Principal principal,
            Account account,
            WebAuthnVerifier.Authentication response,
            Instant now,
            Function<Boolean, T> beforeCommit) {
        if (!account.webauthnEnabled()) {
            throw new WrongState("no security key or passkey is registered");
        }
        guard.ensureOpen(account, now);
        String userId = principal.userId();
        WebAuthnChallenge challenge = store.findWebAuthnChallenge(userId, Ceremony.AUTHENTICATE, now)
                .orElseThrow(() -> new InvalidCode("webauthn challenge not current"));
        Optional<WebAuthnCredential> found = store.webauthnCredentials(userId).stream()
                .filter(c -> MessageDigest.isEqual(c.credentialId(), response.credentialId()))
                .findFirst();
        if (found.isEmpty()) {
            throw fail(principal, account, now, "unknown credential");
        }
        WebAuthnCredential credential = found.get();
        if (response.userHandle() != null
                && response.userHandle().length > 0
                && !MessageDigest.isEqual(response.userHandle(), WebAuthnPolicy.userHandle(userId))) {
            throw fail(principal, account, now, "another user's handle");
        }
        WebAuthnVerifier.Asserted asserted;
        try {
            asserted = verifier.verifyAuthentication(response, stored(credential), ceremonies.expected(challenge));
        } catch (WebAuthnVerifier.Rejected e) {
            if (e.reason() == WebAuthnVerifier.Reason.CHALLENGE) {
                // Signed another (older) challenge than the current one: nothing to compare, not counted.
                throw new InvalidCode("webauthn challenge not current");
            }
            throw fail(principal, account, now, "webauthn " + e.reason().description());
        }
        if (credential.counterRegressed(asserted.signCount())) {
            // WebAuthn L3 §7.2 step 22: a counter that did not grow means two copies of the key exist.
            events.record(principal.event(
                    CLONE_SUSPECTED,
                    WEBAUTHN,
                    now,
                    Map.of(
                            "credential", credential.name(),
                            "storedCount", Long.toString(credential.signCount()),
                            "presentedCount", Long.toString(asserted.signCount()))));
            throw fail(principal, account, now, "sign count did not grow");
        }
        T prepared = beforeCommit.apply(asserted.userVerified());
        List<SecurityEvent> audit = List.of(principal.event(
                "verify_succeeded",
                WEBAUTHN,
                now,
                Map.of("credential", credential.name(), "userVerified", Boolean.toString(asserted.userVerified()))));
        if (!store.useWebAuthn(
                challenge,
                credential,
                asserted.signCount(),
                asserted.backupState(),
                account.consecutiveFailures(),
                now,
                audit)) {
            // A failure counted since the read wins first; else the challenge was spent by a parallel
            // request, or the credential changed meanwhile: a refused attempt, counted.
            throw guard.lostRace(
                    principal,
                    account,
                    now,
                    current -> guard.fail(
                            principal,
                            current,
                            WEBAUTHN,
                            now,
                            "webauthn challenge used or credential changed",
                            Attempt.SIGN_IN));
        }
        audit.forEach(events::committed);
        return prepared;
    }

    private RuntimeException fail(Principal principal, Account account, Instant now, String reason) {
        return guard.fail(principal, account, WEBAUTHN, now, reason, Attempt.SIGN_IN);
    }

    private static WebAuthnVerifier.Stored stored(WebAuthnCredential credential) {
        return new WebAuthnVerifier.Stored(
                credential.credentialId(),
                credential.publicKey(),
                credential.signCount(),
                credential.aaguid(),
                credential.userVerified(),
                credential.backupEligible(),
                credential.backupState());
    }
}
