package dev.twofa.app.common;

import dev.twofa.app.api.Credential;
import dev.twofa.app.api.Credential.SignInAssertion;
import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException;
import dev.twofa.app.api.TwoFactorException.StepUpRequired;
import dev.twofa.domain.account.Account;
import dev.twofa.domain.audit.SecurityEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * No factor change with the password alone (OWASP MFA cheat sheet; NIST SP 800-63B §6.1.2.1):
 * while an account has any factor on, adding, replacing or removing one, or its recovery codes,
 * needs a proof of a factor it already has. The first factor of an account with none needs none.
 * A proof is checked like a sign-in code, through the same lockout.
 */
public final class StepUp {
    /** The body fields that can carry a proof, in the order the API documents them. */
    public static final List<String> WITH_AUTHENTICATOR = List.of("code", "recoveryCode", "assertion");
    /** SMS-only accounts prove with the assertion of an SMS sign-in. */
    public static final List<String> WITHOUT_AUTHENTICATOR = List.of("assertion");

    private final CodeVerifier verifier;

    public StepUp(CodeVerifier verifier) {
        this.verifier = verifier;
    }

    /**
     * Checks the proof a change of an account that has a factor needs, without spending it (commit
     * last): the change spends it in its own transaction ({@link CodeVerifier.Proof#spend()}), so a
     * change that fails leaves the proof usable.
     *
     * @throws StepUpRequired when none of an accepted kind was sent
     */
    public CodeVerifier.Proof check(Principal principal, Account account, Optional<Credential> proof, Instant now) {
        if (!account.hasAnyFactor()) {
            throw new IllegalStateException("a change of an account without factors needs no proof");
        }
        return verifier.check(principal, account, accepted(account, proof), now, Attempt.CHANGE);
    }

    /** The audit items spending {@code proof} adds to the change's transaction. */
    public List<SecurityEvent> spendEvents(Principal principal, CodeVerifier.Proof proof, Instant now) {
        return verifier.spendEvents(principal, proof, now, Attempt.CHANGE);
    }

    /** Why a change's transaction that spends {@code proof} was refused: see {@link CodeVerifier#refused}. */
    public TwoFactorException refused(
            Principal principal,
            Account seen,
            CodeVerifier.Proof proof,
            Instant now,
            Function<Account, Optional<TwoFactorException>> changeRefused) {
        return verifier.refused(principal, seen, proof, now, Attempt.CHANGE, changeRefused);
    }

    private static Credential accepted(Account account, Optional<Credential> proof) {
        List<String> accepted = acceptedProofs(account);
        Credential given = proof.orElseThrow(() -> new StepUpRequired(accepted));
        if (!account.totpEnabled() && !(given instanceof SignInAssertion)) {
            throw new StepUpRequired(accepted);
        }
        return given;
    }

    public static List<String> acceptedProofs(Account account) {
        return account.totpEnabled() ? WITH_AUTHENTICATOR : WITHOUT_AUTHENTICATOR;
    }
}
