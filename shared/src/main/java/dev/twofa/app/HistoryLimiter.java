package dev.twofa.app;

import dev.twofa.app.TwoFactorException.Throttled;
import dev.twofa.domain.sms.SendLimits;
import dev.twofa.domain.sms.SendRateLimit;
import dev.twofa.port.TwoFactorStore;
import dev.twofa.port.TwoFactorStore.SendHistory;
import java.time.Instant;

/**
 * A sliding-window limit on something that costs money or fills an inbox (an SMS, an activation
 * email), kept as a history of send times under a key and spent with an optimistic lock, so that
 * parallel requests cannot each see room for one more.
 */
final class HistoryLimiter {
    /** Two tries at the optimistic lock, then the caller waits a moment. */
    private static final int ATTEMPTS = 2;

    private final TwoFactorStore store;
    private final SendLimits limits;
    private final SendRateLimit rateLimit;

    HistoryLimiter(TwoFactorStore store, SendLimits limits) {
        this.store = store;
        this.limits = limits;
        this.rateLimit = new SendRateLimit(limits);
    }

    /** One use recorded under {@code key}: what was there before, and what was written. */
    record Spent(String key, SendHistory before, SendHistory written, Instant keepUntil) {}

    /** Records one use under {@code key}, or refuses with the wait (429). */
    Spent spend(String key, Instant now) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            SendHistory seen = store.findSendHistory(key);
            switch (rateLimit.decide(seen.sends(), now)) {
                case SendRateLimit.Limited limited -> throw new Throttled(limited.retryAfterSeconds(now));
                case SendRateLimit.Allowed allowed -> {
                    Instant keepUntil = now.plus(limits.window());
                    if (store.saveSendHistory(key, seen, allowed.sendsToStore(), keepUntil)) {
                        SendHistory written = new SendHistory(allowed.sendsToStore(), seen.version() + 1);
                        return new Spent(key, seen, written, keepUntil);
                    }
                }
            }
        }
        // Another use under the same key is being recorded right now.
        throw new Throttled(1);
    }

    /**
     * Gives a use back when what it paid for did not happen (the email was not sent): nothing is
     * spent on a failed request. Only if nobody spent since; otherwise the later use keeps its place.
     */
    void refund(Spent spent) {
        if (spent.before().sends().isEmpty()) {
            store.deleteSendHistory(spent.key(), spent.written());
        } else {
            store.saveSendHistory(spent.key(), spent.written(), spent.before().sends(), spent.keepUntil());
        }
    }
}
