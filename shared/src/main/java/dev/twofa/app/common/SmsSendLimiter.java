package dev.twofa.app.common;

import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException.Throttled;
import dev.twofa.domain.sms.SendBudget;
import dev.twofa.domain.sms.SendRateLimit;
import dev.twofa.domain.sms.SmsPurpose;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.TwoFactorStore;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Takes one send from every SMS limit before SNS is called (SMS pumping and SMS denial of service, issue 10), in this
 * order:
 *
 * <ol>
 *   <li>the user's sliding-hour history;
 *   <li>the number's sliding-hour history: codes to enable a number (one this user has not verified) count under a key
 *       of their own, apart from sign-in and disable codes to an enrolled number, so strangers entering someone's
 *       number cannot use up the owner's sign-in codes;
 *   <li>the country's hourly budget;
 *   <li>the service's hourly budget.
 * </ol>
 *
 * <p>Narrowest first: one attacker's parallel sends queue on their own history's optimistic lock and are refused there
 * before they can take anything from the shared budgets, and a send the country budget refuses never touches the
 * service-wide counters, the busiest items. When a later limit refuses, what the earlier ones took is given back
 * before the 429, so a refused send leaves nothing spent. Giving back is best effort: if DynamoDB fails meanwhile, or a
 * history changes under it twice, the earlier limit stays spent until its window passes, erring towards fewer SMS.
 * A send that then fails at SNS stays counted: SNS may have billed it (a timeout after Publish), and a number that
 * opts out still cost a try.
 */
public final class SmsSendLimiter {
    public static final String BUDGET_EXHAUSTED = "sms_budget_exhausted";

    private final TwoFactorStore store;
    private final SecurityEvents events;
    private final HistoryLimiter histories;
    private final SendBudget accountBudget;
    private final SendBudget countryBudget;
    private final RandomGenerator random;

    public SmsSendLimiter(
            TwoFactorStore store,
            SecurityEvents events,
            SendRateLimit rateLimit,
            SendBudget accountBudget,
            SendBudget countryBudget,
            RandomGenerator random) {
        this.store = store;
        this.events = events;
        this.histories = new HistoryLimiter(store, rateLimit.limits());
        this.accountBudget = accountBudget;
        this.countryBudget = countryBudget;
        this.random = random;
    }

    /** Rate-limit key of a user's sends. */
    public static String userKey(String userId) {
        return "SMSRATE#USER#" + userId;
    }

    /**
     * The user's latest code was confirmed (SMS turned on): the next send, the first sign-in code,
     * need not wait out the least interval after it. The hourly limits still count every send.
     */
    public static void freeNextSend(TwoFactorStore store, String userId) {
        HistoryLimiter.freeInterval(store, userKey(userId));
    }

    /**
     * Rate-limit key of a number's sends, by the number's keyed hash: enabling it (anyone may type it) apart from
     * sign-in and disable codes (only users who proved they hold it).
     */
    public static String phoneKey(SmsPurpose purpose, String phoneHash) {
        return (purpose == SmsPurpose.ENABLE ? "SMSRATE#NEWPHONE#" : "SMSRATE#PHONE#") + phoneHash;
    }

    /** A budget shard's key: scope, the UTC hour it counts (readable in the table), shard. */
    public static String budgetShardKey(String scope, Instant now, int shard) {
        Instant hour = Instant.ofEpochSecond(SendBudget.bucketOf(now) * SendBudget.BUCKET.toSeconds());
        return "SMSBUDGET#" + scope + "#" + hour + "#" + shard;
    }

    /**
     * Takes one send from each limit, or refuses with {@link Throttled} having given back what it took.
     *
     * @param region the ISO 3166-1 code of the number's country
     * @return what was taken, for {@link Taken#giveBack} when the send it paid for never happens
     */
    public Taken take(Principal principal, SmsPurpose purpose, String phoneHash, String region, Instant now) {
        Taken taken = new Taken();
        try {
            String userKey = userKey(principal.userId());
            histories.spend(userKey, now);
            taken.parts.push(() -> histories.giveBack(userKey, now));
            taken.histories.push(() -> histories.giveBack(userKey, now));

            String phoneKey = phoneKey(purpose, phoneHash);
            histories.spend(phoneKey, now);
            taken.parts.push(() -> histories.giveBack(phoneKey, now));
            taken.histories.push(() -> histories.giveBack(phoneKey, now));

            String countryShard = takeFromBudget(countryBudget, "COUNTRY#" + region, now)
                    .orElseThrow(() -> exhausted(principal, purpose, "country", region, now));
            taken.parts.push(() -> store.returnSmsBudget(countryShard));

            String accountShard = takeFromBudget(accountBudget, "ACCOUNT", now)
                    .orElseThrow(() -> exhausted(principal, purpose, "account", region, now));
            taken.parts.push(() -> store.returnSmsBudget(accountShard));
        } catch (RuntimeException refused) {
            taken.giveBack(refused);
            throw refused;
        }
        return taken;
    }

    /** The sends {@link #take} spent, last first. */
    public static final class Taken {
        private final Deque<Runnable> parts = new ArrayDeque<>();
        /** The per-user and per-number uses among {@link #parts}: what makes the user wait. */
        private final Deque<Runnable> histories = new ArrayDeque<>();

        /**
         * Gives back every send taken, for a send that never happened: a refused limit, or a fault before or
         * in the send. What cannot be given back stays spent, noted on {@code cause}, which the caller sees.
         */
        public void giveBack(RuntimeException cause) {
            undo(parts, cause);
            histories.clear();
        }

        /**
         * For an SMS that left but whose code could not be stored (a fault after the send): the user's
         * and the number's uses are given back, so a retry need not wait; the hourly budgets keep the
         * send, which was made and paid for.
         */
        public void giveBackWaits(RuntimeException cause) {
            undo(histories, cause);
            parts.clear();
        }

        private static void undo(Deque<Runnable> undos, RuntimeException cause) {
            while (!undos.isEmpty()) {
                try {
                    undos.pop().run();
                } catch (RuntimeException e) {
                    cause.addSuppressed(e);
                }
            }
        }
    }

    /**
     * One send from a sharded hourly budget: the shards in random order, each a conditional increment below its cap,
     * until one takes it. Answers the shard that did, or empty when every shard is full.
     */
    private Optional<String> takeFromBudget(SendBudget budget, String scope, Instant now) {
        // Kept an hour past the bucket, for operators reading the table; no later bucket ever reads it.
        Instant keepUntil = SendBudget.bucketEnd(now).plus(SendBudget.BUCKET);
        for (int shard : budget.shardOrder(random)) {
            String key = budgetShardKey(scope, now, shard);
            if (store.takeSmsBudget(key, budget.capOf(shard), keepUntil)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    private Throttled exhausted(Principal principal, SmsPurpose purpose, String scope, String region, Instant now) {
        // The country code and the purpose, never the number: enough for an operator to see which
        // destination an attack pumps.
        events.record(principal.event(
                BUDGET_EXHAUSTED,
                Factors.SMS,
                now,
                Map.of("scope", scope, "country", region, "purpose", purpose.apiName())));
        return new Throttled(SendBudget.retryAfterSeconds(now));
    }
}
