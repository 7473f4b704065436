package dev.twofa.it.sms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofa.aws.store.SmsItems;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** The exact condition of every SMS conditional write, as sent on the wire. */
class SmsConditionExpressionsIT {
    private final TestApp app = new TestApp();
    private final String user = "user-" + UUID.randomUUID();
    private final String phone = Sms.uniqueDanishMobile();

    @Test
    void send_locksEachHistoryOptimistically_andReplacesTheChallenge() {
        Sms.send(app, user, "enable", phone);
        // (The first encryption of a stack also creates the envelope data key: EnvelopeKeysIT asserts that write.)
        List<PutItemRequest> puts = app.dynamoRequests.requestsOf(PutItemRequest.class).stream()
                .filter(p -> !p.item().get("pk").s().startsWith("AUDIT#"))
                .filter(p -> !p.item().get("pk").s().startsWith("KEYS#"))
                .toList();
        assertThat(puts)
                .extracting(p -> p.item().get("pk").s().replaceAll("#[^#]+$", "#…") + " " + p.conditionExpression())
                .containsExactly(
                        // SMS pumping: two parallel sends must not both pass a limit read once.
                        "SMSRATE#USER#… attribute_not_exists(pk) OR version = :seen",
                        // Enabling: a number this user has not verified, counted apart from sign-in codes.
                        "SMSRATE#NEWPHONE#… attribute_not_exists(pk) OR version = :seen",
                        // A new send replaces the previous code on purpose: only the latest is valid.
                        "USER#… null");
    }

    @Test
    void loginSend_countsTheNumberUnderTheEnrolledNumbersKey() {
        Sms.enable(app, user, phone);
        app.clock.advance(Duration.ofSeconds(31));
        app.dynamoRequests.clear();
        Sms.send(app, user, "login", null);
        assertThat(historyAndChallengePuts(app))
                .containsExactly(
                        "SMSRATE#USER#… attribute_not_exists(pk) OR version = :seen",
                        // Strangers' enable attempts to this number cannot spend this key.
                        "SMSRATE#PHONE#… attribute_not_exists(pk) OR version = :seen",
                        "USER#… null");
    }

    @Test
    void send_takesTheCountryThenTheServiceWideBudget_eachWithAConditionalAdd() {
        Sms.send(app, user, "enable", phone);
        assertThat(budgetUpdates(app))
                .containsExactly(
                        // SMS pumping: the cap is checked in the write that counts, so parallel sends
                        // cannot all see room and overspend.
                        "SMSBUDGET#COUNTRY#DK#<hour>#<shard> ADD sends :one SET expiresAt = :until"
                                + " IF attribute_not_exists(sends) OR sends < :cap",
                        "SMSBUDGET#ACCOUNT#<hour>#<shard> ADD sends :one SET expiresAt = :until"
                                + " IF attribute_not_exists(sends) OR sends < :cap");
        assertThat(SmsItems.COND_BUDGET_SHARD_HAS_ROOM).isEqualTo("attribute_not_exists(sends) OR sends < :cap");
    }

    @Test
    void aRefusalByTheServiceWideBudget_givesBackWhatTheEarlierLimitsTook() {
        TestApp oneAnHour = new TestApp(Map.of("SMS_HOURLY_BUDGET", "1", "SMS_COUNTRY_HOURLY_BUDGET", "1"));
        Sms.send(oneAnHour, user, "enable", phone);
        oneAnHour.dynamoRequests.clear();

        Sms.send(oneAnHour, "other-" + UUID.randomUUID(), "enable", Sms.uniqueMobile("GB"));

        assertThat(budgetUpdates(oneAnHour))
                .containsExactly(
                        "SMSBUDGET#COUNTRY#GB#<hour>#<shard> ADD sends :one SET expiresAt = :until"
                                + " IF attribute_not_exists(sends) OR sends < :cap",
                        "SMSBUDGET#ACCOUNT#<hour>#<shard> ADD sends :one SET expiresAt = :until"
                                + " IF attribute_not_exists(sends) OR sends < :cap",
                        // The refund never takes a shard below zero, which would raise its cap.
                        "SMSBUDGET#COUNTRY#GB#<hour>#<shard> ADD sends :minusOne IF sends > :zero");
        assertThat(historyAndChallengePuts(oneAnHour))
                .as("the histories taken, each under an optimistic lock")
                .containsExactly(
                        "SMSRATE#USER#… attribute_not_exists(pk) OR version = :seen",
                        "SMSRATE#NEWPHONE#… attribute_not_exists(pk) OR version = :seen");
        // Given back newest first; a history left empty is deleted, still only if nobody wrote it since.
        assertThat(oneAnHour.dynamoRequests.requestsOf(DeleteItemRequest.class).stream()
                        .filter(d -> d.key().get("pk").s().startsWith("SMSRATE#"))
                        .map(d -> d.key().get("pk").s().replaceAll("#[^#]+$", "#…") + " " + d.conditionExpression())
                        .toList())
                .containsExactly("SMSRATE#NEWPHONE#… version = :seen", "SMSRATE#USER#… version = :seen");
    }

    private static List<String> historyAndChallengePuts(TestApp app) {
        return app.dynamoRequests.requestsOf(PutItemRequest.class).stream()
                .filter(p -> !p.item().get("pk").s().startsWith("AUDIT#"))
                .filter(p -> !p.item().get("pk").s().startsWith("KEYS#"))
                .map(p -> p.item().get("pk").s().replaceAll("#[^#]+$", "#…") + " " + p.conditionExpression())
                .toList();
    }

    /** Each write of the recorded transactions with its condition; an audit put with its event. */
    private static List<String> transactionConditions(TestApp app) {
        return app.dynamoRequests.requestsOf(TransactWriteItemsRequest.class).stream()
                .flatMap(t -> t.transactItems().stream())
                .map(i -> i.delete() != null
                        ? "delete " + i.delete().conditionExpression()
                        : i.update() != null
                                ? "update " + i.update().conditionExpression()
                                : "put " + i.put().item().get("event").s() + " IF "
                                        + i.put().conditionExpression())
                .toList();
    }

    private static List<String> budgetUpdates(TestApp app) {
        return app.dynamoRequests.requestsOf(UpdateItemRequest.class).stream()
                .filter(u -> u.key().get("pk").s().startsWith("SMSBUDGET#"))
                .map(u -> u.key().get("pk").s().replaceAll("#[^#]+#[0-9]+$", "#<hour>#<shard>") + " "
                        + u.updateExpression() + " IF " + u.conditionExpression())
                .toList();
    }

    @Test
    void confirm_spendsACheckFirst_thenConsumesTheChallengeOnce() {
        Sms.send(app, user, "enable", phone);
        app.dynamoRequests.clear();
        Sms.confirm(app, user, "enable", Sms.lastCode(phone));

        List<String> updates = app.dynamoRequests.requestsOf(UpdateItemRequest.class).stream()
                .map(UpdateItemRequest::conditionExpression)
                .filter(Objects::nonNull)
                .toList();
        // Twilio-style 5 checks per code, enforced before the comparison (parallel guesses included),
        // and never on an expired-but-undeleted challenge. After the commit, the enable code having done
        // its job frees the next send: the send history is rewritten under its optimistic lock.
        assertThat(updates)
                .containsExactly("challengeId = :cid AND checks < :max AND expiresAt > :now", "version = :seen");

        List<String> transaction = transactionConditions(app);
        // Single use: the challenge is deleted in the transaction that turns the factor on. Sent while
        // the account had no factor, it may only enable SMS while the app and security keys are still off
        // (step-up), and only if no failure was counted since the account was read (a right code hidden
        // in a burst).
        assertThat(transaction)
                .containsExactly(
                        "delete challengeId = :cid",
                        "update (attribute_not_exists(smsEnabledAt)) AND (attribute_not_exists(totpEnabledAt))"
                                + " AND (attribute_not_exists(webauthnEnabledAt))"
                                + " AND (attribute_not_exists(failures) OR failures <= :seen)");
    }

    /** The transaction of a confirm for {@code purpose} once SMS is on. */
    private List<String> confirmWithSmsOn(String purpose) {
        Sms.enable(app, user, phone);
        app.clock.advance(Duration.ofSeconds(31));
        Sms.send(app, user, purpose, null);
        app.dynamoRequests.clear();
        Sms.confirm(app, user, purpose, Sms.lastCode(phone));
        return transactionConditions(app);
    }

    @Test
    void loginAndDisable_needTheFactorOn() {
        assertThat(confirmWithSmsOn("disable"))
                .containsExactly(
                        "delete challengeId = :cid",
                        "update (attribute_exists(smsEnabledAt)) AND (attribute_not_exists(failures) OR failures <= :seen)");
    }

    @Test
    void login_consumesTheChallenge_andAppendsTheSignIn_inOneTransaction() {
        assertThat(confirmWithSmsOn("login"))
                .containsExactly(
                        "delete challengeId = :cid",
                        "update (attribute_exists(smsEnabledAt)) AND (attribute_not_exists(failures) OR failures <= :seen)",
                        // No sign-in without its audit item, and no audit item of a refused one.
                        "put verify_succeeded IF attribute_not_exists(pk)");
        // No PutItem of its own for the audit item (the envelope signing key's creation, once per
        // stack, aside).
        assertThat(app.dynamoRequests.requestsOf(PutItemRequest.class))
                .filteredOn(p -> !p.item().get("pk").s().startsWith("KEYS#"))
                .isEmpty();
    }

    @Test
    void aFailedSend_storesNoChallenge_soNoneIsLeftToRemove() {
        // Commit last: the SMS leaves before its challenge is stored, so a refused send writes no
        // challenge (before, it stored one and deleted it again, conditional on its own challengeId).
        String optedOut = phone.substring(0, phone.length() - 2) + "99";
        Sms.send(app, user, "enable", optedOut);
        assertThat(app.dynamoRequests.requestsOf(PutItemRequest.class))
                .noneMatch(p -> "SMS#CHALLENGE".equals(p.item().get("sk").s()));
        assertThat(app.dynamoRequests.requestsOf(TransactWriteItemsRequest.class))
                .isEmpty();
        assertThat(app.dynamoRequests.requestsOf(DeleteItemRequest.class))
                .noneMatch(d -> "SMS#CHALLENGE".equals(d.key().get("sk").s()));
    }
}
