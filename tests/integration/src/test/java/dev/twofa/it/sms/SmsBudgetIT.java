package dev.twofa.it.sms;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.aws.store.DynamoTwoFactorStore;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Race;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * SMS pumping and SMS denial of service (issue 10 §4), against the real handlers on DynamoDB Local and moto: many
 * users texting many numbers in one country, or across countries, stop at the hourly budgets before SNS is called; a
 * refusal leaves nothing spent; parallel sends never pass a budget; and strangers entering someone's number cannot use
 * up the codes its owner signs in with.
 */
class SmsBudgetIT {

    private static TestApp app(int accountBudget, int countryBudget) {
        TestApp app = new TestApp(Map.of(
                "SMS_HOURLY_BUDGET", Integer.toString(accountBudget),
                "SMS_COUNTRY_HOURLY_BUDGET", Integer.toString(countryBudget)));
        // Five seconds into the next UTC hour: a test that spends minutes never crosses into another bucket, and
        // no item it writes is already past its expiry for DynamoDB Local's TTL job (which runs on the wall clock).
        app.clock.set(nextHour(Instant.now()).plusSeconds(5));
        return app;
    }

    private static Instant nextHour(Instant t) {
        return Instant.ofEpochSecond((t.getEpochSecond() / 3600 + 1) * 3600);
    }

    private static String newUser() {
        return "user-" + UUID.randomUUID();
    }

    @Test
    void manyUsersTextingManyNumbersInOneCountry_stopAtTheCountryBudget_with429RetryAfterAndAnAuditEvent() {
        TestApp app = app(100, 5);
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String number = Sms.uniqueMobile("DK");
            numbers.add(number);
            assertThat(Sms.send(app, newUser(), "enable", number).getStatusCode())
                    .isEqualTo(202);
            app.clock.advance(Duration.ofSeconds(7));
        }

        String pumper = newUser();
        String sixth = Sms.uniqueMobile("DK");
        APIGatewayV2HTTPResponse refused = Sms.send(app, pumper, "enable", sixth);

        assertThat(refused.getStatusCode()).as(refused.getBody()).isEqualTo(429);
        assertThat(Api.problemType(refused)).isEqualTo("urn:twofa:problem:too-many-attempts");
        // 5 s into the hour, then 5 sends 7 s apart: the DK budget frees at the next hour.
        assertThat(refused.getHeaders()).containsEntry("Retry-After", Long.toString(3600 - 5 - 5 * 7));
        assertThat(Sms.count(sixth)).as("SNS never called for the refused send").isZero();
        assertThat(numbers).allSatisfy(n -> assertThat(Sms.count(n)).isEqualTo(1));

        SecurityEvent exhausted = onlyEvent(app, pumper, "sms_budget_exhausted");
        assertThat(exhausted.details()).isEqualTo(Map.of("scope", "country", "country", "DK", "purpose", "enable"));
        Map<String, AttributeValue> audited = auditItem(app, pumper, "sms_budget_exhausted");
        assertThat(audited.get("details").m())
                .containsEntry("scope", AttributeValue.fromS("country"))
                .containsEntry("country", AttributeValue.fromS("DK"));
        assertThat(audited.toString()).doesNotContain(sixth.substring(1)).doesNotContain(sixth.substring(3));

        // Another country has its own budget; and the next hour DK has a full one again.
        assertThat(Sms.send(app, newUser(), "enable", Sms.uniqueMobile("GB")).getStatusCode())
                .isEqualTo(202);
        app.clock.set(nextHour(app.clock.instant()));
        assertThat(Sms.send(app, pumper, "enable", sixth).getStatusCode()).isEqualTo(202);
        assertThat(Sms.count(sixth)).isEqualTo(1);
    }

    @Test
    void aSendTheCountryBudgetRefuses_leavesTheUserAndNumberLimitsUnspent() {
        TestApp app = app(100, 1);
        assertThat(Sms.send(app, newUser(), "enable", Sms.uniqueMobile("DK")).getStatusCode())
                .isEqualTo(202);
        String user = newUser();
        String number = Sms.uniqueMobile("DK");

        assertThat(Sms.send(app, user, "enable", number).getStatusCode()).isEqualTo(429);

        DynamoTwoFactorStore store = new DynamoTwoFactorStore(app.dynamo, app.table, app.auditTrail);
        assertThat(store.findSendHistory("SMSRATE#USER#" + user).sends())
                .as("the user's history, given back")
                .isEmpty();
        assertThat(budgetItems(app, "SMSRATE#NEWPHONE#"))
                .as("the numbers' histories: the first send's; the refused one's given back, and gone")
                .hasSize(1)
                .extracting(i -> i.get("sends").l().size())
                .containsExactly(1);
        assertThat(sends(budgetItems(app, "SMSBUDGET#ACCOUNT#")))
                .as("the service-wide budget: only the first send, the refused one never reached it")
                .isEqualTo(1);
        // No 30 s wait from a send that never happened: the same user texts a number elsewhere at once.
        assertThat(Sms.send(app, user, "enable", Sms.uniqueMobile("GB")).getStatusCode())
                .isEqualTo(202);
    }

    @Test
    void theServiceWideBudget_holdsAcrossCountries_andGivesBackTheCountrysShareWhenItRefuses() {
        TestApp app = app(3, 3);
        for (String country : List.of("DK", "GB", "SE")) {
            assertThat(Sms.send(app, newUser(), "enable", Sms.uniqueMobile(country))
                            .getStatusCode())
                    .isEqualTo(202);
        }
        String pumper = newUser();
        String fourth = Sms.uniqueMobile("DE");

        APIGatewayV2HTTPResponse refused = Sms.send(app, pumper, "enable", fourth);

        assertThat(refused.getStatusCode()).isEqualTo(429);
        assertThat(refused.getHeaders()).containsEntry("Retry-After", "3595");
        assertThat(Sms.count(fourth)).isZero();
        assertThat(onlyEvent(app, pumper, "sms_budget_exhausted").details())
                .isEqualTo(Map.of("scope", "account", "country", "DE", "purpose", "enable"));
        assertThat(sends(budgetItems(app, "SMSBUDGET#COUNTRY#DE#")))
                .as("DE's share, taken before the service-wide budget refused, given back")
                .isZero();
        assertThat(sends(budgetItems(app, "SMSBUDGET#ACCOUNT#"))).isEqualTo(3);
    }

    @Test
    void fortyParallelSendsInOneCountry_sendExactlyTheCountryBudget() throws Exception {
        TestApp app = app(1000, 10);
        List<String> numbers = new ArrayList<>();
        List<Integer> statuses = parallelSends(app, 40, i -> "DK", numbers);

        assertThat(statuses).filteredOn(s -> s == 202).hasSize(10);
        assertThat(statuses).filteredOn(s -> s != 202).containsOnly(429);
        assertThat(smsSentTo(numbers)).as("SNS Publish calls").isEqualTo(10);
        assertThat(sends(budgetItems(app, "SMSBUDGET#COUNTRY#DK#"))).isEqualTo(10);
    }

    @Test
    void fortyParallelSendsAcrossCountries_sendExactlyTheServiceWideBudget() throws Exception {
        TestApp app = app(12, 12);
        List<String> countries = List.of("DK", "GB", "SE", "DE");
        List<String> numbers = new ArrayList<>();
        List<Integer> statuses = parallelSends(app, 40, i -> countries.get(i % countries.size()), numbers);

        assertThat(statuses).filteredOn(s -> s == 202).hasSize(12);
        assertThat(statuses).filteredOn(s -> s != 202).containsOnly(429);
        assertThat(smsSentTo(numbers)).as("SNS Publish calls").isEqualTo(12);
        assertThat(sends(budgetItems(app, "SMSBUDGET#ACCOUNT#"))).isEqualTo(12);
        assertThat(sends(budgetItems(app, "SMSBUDGET#COUNTRY#")))
                .as("every country share of a refused send given back")
                .isEqualTo(12);
    }

    @Test
    void strangersUsingUpANumbersEnableBudget_doNotStopTheOwnersSignInCodes() {
        TestApp app = app(100, 100);
        String owner = newUser();
        String number = Sms.uniqueMobile("DK");
        Sms.enable(app, owner, number);
        // The owner's enable send plus four strangers: the number's 5 enable sends of the hour.
        for (int i = 0; i < 4; i++) {
            app.clock.advance(Duration.ofSeconds(31));
            assertThat(Sms.send(app, newUser(), "enable", number).getStatusCode())
                    .isEqualTo(202);
        }
        app.clock.advance(Duration.ofSeconds(31));
        assertThat(Sms.send(app, newUser(), "enable", number).getStatusCode())
                .as("the number's enable budget is used up")
                .isEqualTo(429);
        int textsBefore = Sms.count(number);

        APIGatewayV2HTTPResponse login = Sms.send(app, owner, "login", null);

        assertThat(login.getStatusCode()).as(login.getBody()).isEqualTo(202);
        assertThat(Sms.count(number)).isEqualTo(textsBefore + 1);
        assertThat(Emulators.sentSmsTo(number).getLast().message()).contains("to sign in");
        APIGatewayV2HTTPResponse signedIn = Sms.confirm(app, owner, "login", Sms.lastCode(number));
        assertThat(signedIn.getStatusCode()).as(signedIn.getBody()).isEqualTo(200);
    }

    /** {@code parallel} sends at once, each from a new user to a new number in {@code countryOf(i)}. */
    private static List<Integer> parallelSends(
            TestApp app, int parallel, java.util.function.IntFunction<String> countryOf, List<String> numbers)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        Set<String> unique = new HashSet<>();
        return Race.statuses(parallel, app::smsSend, () -> {
            String number;
            do {
                number = Sms.uniqueMobile(countryOf.apply(next.get()));
            } while (!unique.add(number));
            next.incrementAndGet();
            numbers.add(number);
            return Api.request(
                    "POST /2fa/sms/send", newUser(), Api.json(Map.of("purpose", "enable", "phoneNumber", number)));
        });
    }

    private static long smsSentTo(List<String> numbers) {
        Set<String> ours = Set.copyOf(numbers);
        return Emulators.sentSms().stream()
                .filter(s -> ours.contains(s.phoneNumber()))
                .count();
    }

    private static SecurityEvent onlyEvent(TestApp app, String userId, String type) {
        List<SecurityEvent> events = app.events.all().stream()
                .filter(e -> e.userId().equals(userId) && e.type().equals(type))
                .toList();
        assertThat(events).as("%s events of %s", type, userId).hasSize(1);
        return events.getFirst();
    }

    private static Map<String, AttributeValue> auditItem(TestApp app, String userId, String type) {
        List<Map<String, AttributeValue>> items = app
                .dynamo
                .query(q -> q.tableName(app.table)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("AUDIT#" + userId))))
                .items()
                .stream()
                .filter(i -> i.get("event").s().equals(type))
                .toList();
        assertThat(items).hasSize(1);
        return items.getFirst();
    }

    /** The items whose key starts with {@code prefix}. */
    private static List<Map<String, AttributeValue>> budgetItems(TestApp app, String prefix) {
        return app.dynamo
                .scan(s -> s.tableName(app.table)
                        .filterExpression("begins_with(pk, :prefix)")
                        .expressionAttributeValues(Map.of(":prefix", AttributeValue.fromS(prefix))))
                .items();
    }

    private static long sends(List<Map<String, AttributeValue>> shards) {
        return shards.stream()
                .mapToLong(i -> Long.parseLong(i.get("sends").n()))
                .sum();
    }
}
