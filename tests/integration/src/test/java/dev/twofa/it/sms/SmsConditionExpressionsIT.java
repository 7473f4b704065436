package dev.twofa.it.sms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import java.time.Duration;
import java.util.List;
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
        List<PutItemRequest> puts = app.dynamoRequests.requestsOf(PutItemRequest.class).stream()
                .filter(p -> !p.item().get("pk").s().startsWith("AUDIT#"))
                .toList();
        assertThat(puts)
                .extracting(p -> p.item().get("pk").s().replaceAll("#[^#]+$", "#…") + " " + p.conditionExpression())
                .containsExactly(
                        // SMS pumping: two parallel sends must not both pass a limit read once.
                        "SMSRATE#USER#… attribute_not_exists(pk) OR version = :seen",
                        "SMSRATE#PHONE#… attribute_not_exists(pk) OR version = :seen",
                        // A new send replaces the previous code on purpose: only the latest is valid.
                        "USER#… null");
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
        // and never on an expired-but-undeleted challenge.
        assertThat(updates).containsExactly("challengeId = :cid AND checks < :max AND expiresAt > :now");

        List<String> transaction = app.dynamoRequests.requestsOf(TransactWriteItemsRequest.class).stream()
                .flatMap(t -> t.transactItems().stream())
                .map(i -> i.delete() != null
                        ? "delete " + i.delete().conditionExpression()
                        : "update " + i.update().conditionExpression())
                .toList();
        // Single use: the challenge is deleted in the transaction that turns the factor on. Sent while
        // the account had no factor, it may only enable SMS while the app is still off (step-up), and
        // only if no failure was counted since the account was read (a right code hidden in a burst).
        assertThat(transaction)
                .containsExactly(
                        "delete challengeId = :cid",
                        "update (attribute_not_exists(smsEnabledAt)) AND (attribute_not_exists(totpEnabledAt))"
                                + " AND (attribute_not_exists(failures) OR failures <= :seen)");
    }

    @Test
    void loginAndDisable_needTheFactorOn() {
        Sms.enable(app, user, phone);
        app.clock.advance(Duration.ofSeconds(31));
        Sms.send(app, user, "disable", null);
        app.dynamoRequests.clear();
        Sms.confirm(app, user, "disable", Sms.lastCode(phone));
        List<String> transaction = app.dynamoRequests.requestsOf(TransactWriteItemsRequest.class).stream()
                .flatMap(t -> t.transactItems().stream())
                .map(i -> i.delete() != null
                        ? "delete " + i.delete().conditionExpression()
                        : "update " + i.update().conditionExpression())
                .toList();
        assertThat(transaction)
                .containsExactly(
                        "delete challengeId = :cid",
                        "update (attribute_exists(smsEnabledAt)) AND (attribute_not_exists(failures) OR failures <= :seen)");
    }

    @Test
    void aFailedSend_removesOnlyItsOwnChallenge() {
        String optedOut = phone.substring(0, phone.length() - 2) + "99";
        Sms.send(app, user, "enable", optedOut);
        assertThat(app.dynamoRequests.requestsOf(DeleteItemRequest.class))
                .extracting(DeleteItemRequest::conditionExpression)
                .containsExactly("challengeId = :cid");
    }
}
