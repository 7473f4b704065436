package dev.twofa.app.common;

import dev.twofa.app.api.TwoFactorException.Throttled;
import dev.twofa.domain.sms.SendLimits;
import dev.twofa.domain.sms.SendRateLimit;
import dev.twofa.port.TwoFactorStore;
import dev.twofa.port.TwoFactorStore.SendHistory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A sliding-window limit on something that costs money or fills an inbox (an SMS, an activation
 * email), kept as a history of send times under a key and spent with an optimistic lock, so that
 * parallel requests cannot each see room for one more. A use whose send did not happen is given
 * back: nothing is spent on a failed request.
 */
public final class HistoryLimiter {
    /** Two tries at the optimistic lock, then the caller waits a moment. */
    private static final int ATTEMPTS = 2;

    private final TwoFactorStore store;
    private final SendLimits limits;
    private final SendRateLimit rateLimit;

    public HistoryLimiter(TwoFactorStore store, SendLimits limits) {
        this.store = store;
        this.limits = limits;
        this.rateLimit = new SendRateLimit(limits);
    }

    /** Records one use under {@code key} at {@code now}, or refuses with the wait (429). */
    public void spend(String key, Instant now) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            SendHistory seen = store.findSendHistory(key);
            switch (rateLimit.decide(seen.sends(), seen.intervalFreedAfter(), now)) {
                case SendRateLimit.Limited limited -> throw new Throttled(limited.retryAfterSeconds(now));
                case SendRateLimit.Allowed allowed -> {
                    if (store.saveSendHistory(key, seen, allowed.sendsToStore(), keepUntil(now))) {
                        return;
                    }
                }
            }
        }
        // Another use under the same key is being recorded right now.
        throw new Throttled(1);
    }

    /**
     * The latest use under {@code key} did what it was for (its code was confirmed): the next use need
     * not wait out the least interval; the uses still count toward the window. Best effort, like
     * {@link #giveBack}: when the history keeps changing under it, the interval simply holds.
     */
    public static void freeInterval(TwoFactorStore store, String key) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            SendHistory seen = store.findSendHistory(key);
            if (seen.sends().isEmpty()) {
                return;
            }
            Instant last = seen.sends().stream().max(Instant::compareTo).orElseThrow();
            if (store.freeSendInterval(key, seen, last)) {
                return;
            }
        }
    }

    /**
     * Removes the use recorded at {@code sentAt} (histories keep whole seconds), and the history
     * itself when nothing is left. Best effort: when the history keeps changing under it, the use
     * stays spent until its window passes, erring towards fewer sends.
     */
    public void giveBack(String key, Instant sentAt) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            SendHistory seen = store.findSendHistory(key);
            List<Instant> rest = new ArrayList<>(seen.sends());
            int ours = -1;
            for (int i = 0; i < rest.size() && ours < 0; i++) {
                if (rest.get(i).getEpochSecond() == sentAt.getEpochSecond()) {
                    ours = i;
                }
            }
            if (ours < 0) {
                return;
            }
            rest.remove(ours);
            boolean done = rest.isEmpty()
                    ? store.deleteSendHistory(key, seen)
                    : store.saveSendHistory(key, seen, rest, keepUntil(sentAt));
            if (done) {
                return;
            }
        }
    }

    private Instant keepUntil(Instant now) {
        return now.plus(limits.window());
    }
}
