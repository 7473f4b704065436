package dev.twofa.app;

import dev.twofa.app.api.Credential;
import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException.WrongState;
import dev.twofa.app.common.CodeVerifier;
import dev.twofa.app.common.Factors;
import dev.twofa.app.common.Notifications;
import dev.twofa.app.common.Recipients;
import dev.twofa.app.common.StepUp;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.domain.recovery.RecoveryCodes;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.TwoFactorStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Replaces all recovery codes after a proof (step-up); the new set is shown once. */
public final class RegenerateRecoveryCodes {
    private final TwoFactorStore store;
    private final StepUp stepUp;
    private final Notifications notifications;
    private final SecurityEvents events;
    private final SecureRandom random;
    private final RecoveryCodes recoveryCodes;
    private final Clock clock;

    public RegenerateRecoveryCodes(
            TwoFactorStore store,
            StepUp stepUp,
            Notifications notifications,
            SecurityEvents events,
            SecureRandom random,
            Clock clock) {
        this.store = store;
        this.stepUp = stepUp;
        this.notifications = notifications;
        this.events = events;
        this.random = random;
        this.recoveryCodes = new RecoveryCodes(random);
        this.clock = clock;
    }

    public List<String> regenerate(Principal principal, Optional<Credential> proof) {
        Instant now = clock.instant();
        String userId = principal.userId();
        Account account = store.findAccount(userId).orElse(Account.empty(userId));
        if (!account.totpEnabled()) {
            throw new WrongState("the authenticator app is not enabled");
        }
        CodeVerifier.Proof checked = stepUp.check(principal, account, proof, now);
        List<String> codes = recoveryCodes.generate();
        byte[] salt = RecoveryCodes.newSalt(random);
        List<String> hashes = codes.stream()
                .map(c -> RecoveryCodes.hash(RecoveryCodes.normalize(c).orElseThrow(), salt))
                .toList();
        // Commit last: the proof (a recovery code too) is spent in the transaction that replaces the set.
        List<SecurityEvent> audit = new ArrayList<>(stepUp.spendEvents(principal, checked, now));
        audit.add(principal.event("recovery_codes_regenerated", Factors.TOTP, now));
        if (!store.replaceRecoveryCodes(userId, salt, hashes, checked.spend(), now, audit)) {
            throw stepUp.refused(
                    principal,
                    account,
                    checked,
                    now,
                    current -> current.totpEnabled()
                            ? Optional.empty()
                            : Optional.of(new WrongState("the authenticator app is not enabled")));
        }
        audit.forEach(events::committed);
        notifications.recoveryCodesRegenerated(Recipients.of(principal, account));
        return codes;
    }
}
