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

    /** Records one use under {@code key}, or refuses with the wait (429). */
    void spend(String key, Instant now) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            SendHistory seen = store.findSendHistory(key);
            switch (rateLimit.decide(seen.sends(), now)) {
                case SendRateLimit.Limited limited -> throw new Throttled(limited.retryAfterSeconds(now));
                case SendRateLimit.Allowed allowed -> {
                    if (store.saveSendHistory(key, seen, allowed.sendsToStore(), now.plus(limits.window()))) {
                        return;
                    }
                }
            }
        }
        // Another use under the same key is being recorded right now.
        throw new Throttled(1);
    }
}
