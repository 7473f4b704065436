package dev.twofa.app.common;

import dev.twofa.app.api.Principal;
import dev.twofa.domain.account.Account;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a security notice goes: the address on file (stored at enrolment) and, when different, the
 * current verified address of the signed-in user. An attacker who changed the account's email at
 * the identity provider still cannot keep the owner's old address from hearing of the change.
 */
public record Recipients(String userId, List<String> addresses) {
    public Recipients {
        addresses = List.copyOf(addresses);
    }

    public static Recipients of(Principal principal, Account account) {
        return of(principal.userId(), account.email(), principal.emailAddress().orElse(null));
    }

    /** Operator actions have no signed-in user: the address on file only. */
    public static Recipients onFile(Account account) {
        return of(account.userId(), account.email());
    }

    /** The distinct, non-blank addresses among {@code candidates} (nulls allowed), in order. */
    public static Recipients of(String userId, String... candidates) {
        Set<String> distinct = new LinkedHashSet<>();
        for (String address : candidates) {
            if (address != null && !address.isBlank()) {
                distinct.add(address);
            }
        }
        return new Recipients(userId, List.copyOf(distinct));
    }
}
