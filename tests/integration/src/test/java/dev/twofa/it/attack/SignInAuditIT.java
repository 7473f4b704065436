package dev.twofa.it.attack;

import static dev.twofa.it.support.Enrollment.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.api.Principal;
import dev.twofa.aws.SesMailer;
import dev.twofa.aws.store.DynamoAuditTrail;
import dev.twofa.aws.store.DynamoTwoFactorStore;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.functions.verifylogin.VerifyLoginHandler;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.Race;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import dev.twofa.testing.Stdout;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * A sign-in and its audit item are one transaction: the step (or the recovery code, or the SMS
 * challenge) is spent and {@code verify_succeeded} appended together, or neither. A sign-in that
 * left no audit record would hide an account takeover from the user's activity feed and from
 * incident response; an audit record of a sign-in that did not happen would be a false alarm.
 */
class SignInAuditIT {
    private final TestApp app = new TestApp();
    private final String userId = "user-" + UUID.randomUUID();

    private List<Map<String, AttributeValue>> auditItems(String event) {
        return app
                .dynamo
                .query(q -> q.tableName(app.table)
                        .consistentRead(true)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("AUDIT#" + userId))))
                .items()
                .stream()
                .filter(i -> i.get("event").s().equals(event))
                .toList();
    }

    private boolean stepRecorded(long step) {
        return app.dynamo
                .getItem(g -> g.tableName(app.table)
                        .consistentRead(true)
                        .key(Map.of(
                                "pk", AttributeValue.fromS("USER#" + userId),
                                "sk", AttributeValue.fromS("TOTP#STEP#" + step))))
                .hasItem();
    }

    private long lastAcceptedStep() {
        return store().findAccount(userId)
                .orElseThrow()
                .totpFactor()
                .orElseThrow()
                .lastStep();
    }

    private DynamoTwoFactorStore store() {
        return new DynamoTwoFactorStore(app.dynamo, app.table, app.auditTrail);
    }

    /** verify-login wired exactly as the app's, on another DynamoDB client or audit trail. */
    private VerifyLoginHandler verifyLoginOn(DynamoDbClient dynamo, DynamoAuditTrail trail) {
        return new VerifyLoginHandler(app.withAdapters(
                        new DynamoTwoFactorStore(dynamo, app.table, trail),
                        app.cipher(),
                        new SesMailer(app.ses, TestApp.SENDER))
                .verifyLogin());
    }

    private static APIGatewayV2HTTPResponse send(VerifyLoginHandler handler, String user, String code) {
        return handler.handleRequest(Api.request("POST /2fa/verify", user, Api.json(Map.of("code", code))), null);
    }

    /** What the structured log printed while {@code action} ran (outside Lambda the log is stdout). */
    private static String logOf(Runnable action) {
        String log = Stdout.of(action);
        System.out.print(log);
        return log;
    }

    private long logLines(String log, String event) {
        return log.lines()
                .filter(l -> l.contains("\"securityEvent\":\"" + event + "\"") && l.contains(userId))
                .count();
    }

    @Test
    void totpSignIn_writesTheStepAndItsAuditItem_inOneTransaction_andLogsItOnce() {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        long step = user.enrollmentStep() + 1;
        // The instance's steady state: a first signature reads (or creates) the envelope signing key.
        app.assertionSigner.signingKey();
        app.dynamoRequests.clear();

        String log = logOf(() -> assertThat(verify(app, userId, "code", IndependentTotp.code(user.secret(), step))
                        .getStatusCode())
                .isEqualTo(200));

        // One read, one write: no PutItem of its own for the audit item.
        assertThat(app.dynamoRequests.operations()).containsExactly("GetItem", "TransactWriteItems");
        List<TransactWriteItem> writes = app.dynamoRequests.requestsOf(TransactWriteItemsRequest.class).stream()
                .flatMap(t -> t.transactItems().stream())
                .toList();
        assertThat(writes).hasSize(3);
        TransactWriteItem audit = writes.getLast();
        assertThat(audit.put().item().get("pk").s()).isEqualTo("AUDIT#" + userId);
        // Append-only inside the transaction as well: the condition, not trust in random suffixes.
        assertThat(audit.put().conditionExpression()).isEqualTo(DynamoAuditTrail.COND_APPEND_ONLY);

        // The audit item is the one a PutItem wrote before: same attributes, same values.
        List<Map<String, AttributeValue>> items = auditItems("verify_succeeded");
        assertThat(items).hasSize(1);
        Map<String, AttributeValue> item = items.getFirst();
        long at = app.clock.instant().toEpochMilli();
        assertThat(item.keySet())
                .containsExactlyInAnyOrder("pk", "sk", "event", "at", "method", "sourceIp", "userAgent", "expiresAt");
        assertThat(item.get("sk").s()).matches(String.format("%013d", at) + "#[0-9a-f]{16}");
        assertThat(item.get("method").s()).isEqualTo("totp");
        assertThat(item.get("at").n()).isEqualTo(Long.toString(at));
        assertThat(item.get("sourceIp").s()).isEqualTo("198.51.100.7");
        assertThat(item.get("userAgent").s()).isEqualTo("integration-test");
        assertThat(item.get("expiresAt").n())
                .isEqualTo(Long.toString(
                        Instant.ofEpochMilli(at).plus(Duration.ofDays(400)).getEpochSecond()));
        assertThat(stepRecorded(step)).isTrue();

        // The security log line is still emitted, exactly once.
        assertThat(logLines(log, "verify_succeeded")).isEqualTo(1);
        assertThat(app.events.namesFor(userId).stream().filter("verify_succeeded"::equals))
                .hasSize(1);

        // The activity feed shows the sign-in (every event here has one instant: no order to check).
        Map<String, Object> page =
                Api.body(app.activity().handleRequest(Api.request("GET /2fa/activity?limit=10", userId, null), null));
        assertThat(page.get("events").toString()).contains("verify_succeeded").contains("totp");
    }

    @Test
    void replayedCode_addsNoSecondVerifySucceeded() {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        String code = IndependentTotp.code(user.secret(), user.enrollmentStep() + 1);
        assertThat(verify(app, userId, "code", code).getStatusCode()).isEqualTo(200);

        // CVE-2024-41800: the replay reaches the transaction when it races; here it is refused at the
        // check already, and the transaction below is refused by its own condition.
        assertThat(verify(app, userId, "code", code).getStatusCode()).isEqualTo(400);
        SecurityEvent again =
                new Principal(userId, Api.emailOf(userId)).event("verify_succeeded", "totp", app.clock.instant());
        assertThat(store().acceptTotpStep(
                                userId,
                                user.enrollmentStep() + 1,
                                app.clock.instant().plusSeconds(120),
                                0,
                                app.clock.instant(),
                                List.of(again)))
                .isFalse();

        assertThat(auditItems("verify_succeeded")).hasSize(1);
        assertThat(auditItems("replay_refused")).hasSize(1);
    }

    @Test
    void twentyParallelSignInsWithOneCode_leaveOneStepAndOneVerifySucceeded() throws Exception {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        long step = user.enrollmentStep() + 1;
        String code = IndependentTotp.code(user.secret(), step);

        List<Integer> statuses = Race.statuses(
                20, app::verifyLogin, () -> Api.request("POST /2fa/verify", userId, Api.json(Map.of("code", code))));

        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        assertThat(stepRecorded(step)).isTrue();
        assertThat(auditItems("verify_succeeded")).hasSize(1);
    }

    @Test
    void lockoutReachedBetweenReadAndWrite_leavesNeitherTheStepNorAnAuditItem() {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        long step = user.enrollmentStep() + 1;
        long before = lastAcceptedStep();
        // AuthQuake: parallel guesses use up the free failures after this request read the account
        // and before its transaction; injected on the wire just before the transaction is sent.
        AtomicBoolean burstDone = new AtomicBoolean();
        ExecutionInterceptor guessesLandFirst = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof TransactWriteItemsRequest && burstDone.compareAndSet(false, true)) {
                    app.dynamo.updateItem(u -> u.tableName(app.table)
                            .key(Map.of(
                                    "pk", AttributeValue.fromS("USER#" + userId),
                                    "sk", AttributeValue.fromS("ACCOUNT")))
                            .updateExpression("SET failures = :five, lastFailureAt = :at")
                            .expressionAttributeValues(Map.of(
                                    ":five", AttributeValue.fromN("5"),
                                    ":at",
                                            AttributeValue.fromN(Long.toString(
                                                    app.clock.instant().toEpochMilli())))));
                }
            }
        };
        DynamoDbClient racing = Emulators.at(Emulators.dynamoEndpoint(), DynamoDbClient.builder())
                .overrideConfiguration(o -> o.addExecutionInterceptor(guessesLandFirst))
                .build();

        APIGatewayV2HTTPResponse response =
                send(verifyLoginOn(racing, app.auditTrail), userId, IndependentTotp.code(user.secret(), step));

        assertThat(burstDone).isTrue();
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(429);
        assertThat(stepRecorded(step)).isFalse();
        assertThat(lastAcceptedStep()).isEqualTo(before);
        assertThat(auditItems("verify_succeeded")).isEmpty();
    }

    @Test
    void anAuditItemThatCannotBeWritten_leavesTheCodeUnspent() {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        long step = user.enrollmentStep() + 1;
        long before = lastAcceptedStep();
        // The fault: the audit item's key is taken (a trail whose random suffix is fixed, and an item
        // already under that key), so the audit put inside the transaction fails its condition.
        Supplier<SecureRandom> zeros = () -> new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                Arrays.fill(bytes, (byte) 0);
            }
        };
        String takenKey = String.format("%013d#%s", app.clock.instant().toEpochMilli(), "0".repeat(16));
        app.dynamo.putItem(p -> p.tableName(app.table)
                .item(Map.of(
                        "pk", AttributeValue.fromS("AUDIT#" + userId),
                        "sk", AttributeValue.fromS(takenKey),
                        "event", AttributeValue.fromS("planted"),
                        "at",
                                AttributeValue.fromN(
                                        Long.toString(app.clock.instant().toEpochMilli())))));
        DynamoAuditTrail colliding = new DynamoAuditTrail(app.dynamo, app.table, Duration.ofDays(400), zeros.get());
        String code = IndependentTotp.code(user.secret(), step);

        APIGatewayV2HTTPResponse failed = send(verifyLoginOn(app.dynamo, colliding), userId, code);

        // A fault, not a verdict on the code: 500, not invalid-code, and nothing half-written.
        assertThat(failed.getStatusCode()).as(failed.getBody()).isEqualTo(500);
        assertThat(stepRecorded(step)).isFalse();
        assertThat(lastAcceptedStep()).isEqualTo(before);
        assertThat(auditItems("verify_succeeded")).isEmpty();
        assertThat(store().findAccount(userId).orElseThrow().consecutiveFailures())
                .isZero();
        // The code was not spent: with the trail working again the same code signs in, once.
        assertThat(verify(app, userId, "code", code).getStatusCode()).isEqualTo(200);
        assertThat(auditItems("verify_succeeded")).hasSize(1);
    }

    @Test
    void recoverySignIn_spendsTheCodeAndWritesBothAuditItems_inOneTransaction_withoutACountQuery() {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        // The instance's steady state: a first signature reads (or creates) the envelope signing key.
        app.assertionSigner.signingKey();
        app.dynamoRequests.clear();

        String log = logOf(() -> assertThat(
                        verify(app, userId, "recoveryCode", user.recoveryCodes().get(0))
                                .getStatusCode())
                .isEqualTo(200));

        // The codes left are the ones read to compare against, less the one spent: no second Query.
        assertThat(app.dynamoRequests.operations()).containsExactly("GetItem", "Query", "TransactWriteItems");
        assertThat(auditItems("recovery_code_used")).hasSize(1);
        assertThat(auditItems("verify_succeeded"))
                .singleElement()
                .satisfies(i -> assertThat(i.get("method").s()).isEqualTo("recovery"));
        assertThat(logLines(log, "recovery_code_used")).isEqualTo(1);
        assertThat(logLines(log, "verify_succeeded")).isEqualTo(1);
    }

    @Test
    void parallelSignInsWithOneRecoveryCode_leaveOneVerifySucceeded() throws Exception {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        String recovery = user.recoveryCodes().get(0);

        List<Integer> statuses = Race.statuses(
                10,
                app::verifyLogin,
                () -> Api.request("POST /2fa/verify", userId, Api.json(Map.of("recoveryCode", recovery))));

        // Keycloak #26106: one code, one sign-in, one record of each.
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        assertThat(auditItems("verify_succeeded")).hasSize(1);
        assertThat(auditItems("recovery_code_used")).hasSize(1);
    }

    @Test
    void smsSignIn_spendsTheChallengeAndWritesItsAuditItem_inOneTransaction() {
        String phone = Sms.uniqueDanishMobile();
        Sms.enable(app, userId, phone);
        app.clock.advance(Duration.ofSeconds(31)); // one SMS per 30 s
        assertThat(Sms.send(app, userId, "login", null).getStatusCode()).isEqualTo(202);
        String code = Sms.lastCode(phone);
        // The instance's steady state: a first signature reads (or creates) the envelope signing key.
        app.assertionSigner.signingKey();
        app.dynamoRequests.clear();

        String log =
                logOf(() -> assertThat(Sms.confirm(app, userId, "login", code).getStatusCode())
                        .isEqualTo(200));

        assertThat(app.dynamoRequests.operations())
                .filteredOn(op -> !op.equals("GetItem") && !op.equals("Query"))
                .as("writes of an SMS sign-in")
                .containsExactly("UpdateItem", "TransactWriteItems"); // the check spent, then the challenge
        assertThat(auditItems("verify_succeeded"))
                .singleElement()
                .satisfies(i -> assertThat(i.get("method").s()).isEqualTo("sms"));
        assertThat(logLines(log, "verify_succeeded")).isEqualTo(1);

        // The same code again: the challenge is gone, and no second sign-in is recorded.
        assertThat(Sms.confirm(app, userId, "login", code).getStatusCode()).isEqualTo(400);
        assertThat(auditItems("verify_succeeded")).hasSize(1);
    }
}
