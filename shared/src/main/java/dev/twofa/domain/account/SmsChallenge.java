package dev.twofa.domain.account;

import dev.twofa.domain.sms.SmsPurpose;
import java.time.Instant;
import java.util.Objects;

/**
 * The code most recently sent by SMS: only its keyed hash is kept, bound to one purpose, checked
 * at most a few times, and gone once used or replaced by a newer send. An enable challenge also
 * carries the new number (encrypted) and its masked form.
 *
 * @param steppedUp an enable challenge sent after a proof of a factor the account already had; one
 *     sent without (the account had none) may only enable SMS while the account still has none
 */
public record SmsChallenge(
        String userId,
        String challengeId,
        SmsPurpose purpose,
        byte[] codeHash,
        byte[] phoneCiphertext,
        String maskedPhone,
        int checks,
        Instant expiresAt,
        boolean steppedUp) {

    public SmsChallenge {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(challengeId, "challengeId");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(codeHash, "codeHash");
        Objects.requireNonNull(maskedPhone, "maskedPhone");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (purpose == SmsPurpose.ENABLE && phoneCiphertext == null) {
            throw new IllegalArgumentException("an enable challenge carries the number to enable");
        }
        codeHash = codeHash.clone();
        phoneCiphertext = phoneCiphertext == null ? null : phoneCiphertext.clone();
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    @Override
    public byte[] codeHash() {
        return codeHash.clone();
    }

    @Override
    public byte[] phoneCiphertext() {
        return phoneCiphertext == null ? null : phoneCiphertext.clone();
    }
}
