package dev.twofa.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.it.deployment.Givens;
import dev.twofa.it.deployment.OpenApi;
import dev.twofa.it.deployment.SamTemplate;
import dev.twofa.it.deployment.Scenarios;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every function of template.yaml as Lambda runs it ({@link DeployedFunction}: its deployment jar
 * alone, in a JVM of its own, under the real runtime interface client, with its template settings):
 * each gets through init, then answers each of its events/ files with the status, problem type and
 * field events/scenarios.json expects and a response docs/openapi.yaml describes. The {@code given}
 * state of a scenario is prepared through the deployed functions too, for the event's user. The
 * in-process handlers of tests/integration share the class path of every SDK; here a function has
 * only what its jar ships, so a class its init reaches but its jar lacks fails here first.
 *
 * <p>Prints init, first-request and warm times and the AWS calls of each request, counted on the
 * wire: numbers to read; only the writes of a sign-in are asserted (one transaction).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployedFunctionsIT {
    private static final OpenApi OPEN_API = OpenApi.ofRepo();
    /** The email of the user an operator event's {@code userId} names, when its state is prepared. */
    private static final String OPERATOR_SCENARIO_EMAIL = "support-case@example.com";

    private static DeployedStack stack;

    @BeforeAll
    static void start() {
        stack = DeployedStack.start();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            System.out.println(TierReport.of(stack.functions()));
            stack.close();
        }
    }

    static Stream<String> functions() {
        return SamTemplate.ofRepo().functions().stream().map(SamTemplate.Function::logicalId);
    }

    static Stream<Scenarios.Scenario> scenarios() {
        return Scenarios.all().stream();
    }

    /**
     * Priming runs a real request path against the real table before the snapshot: it must read
     * only. Every function has been through init (primed, unless -Dtwofa.prime=false) when the stack
     * has started, and no scenario has run yet: init, primed or not, writes nothing.
     */
    @Order(0)
    @Test
    void priming_atInit_writesNoItem() {
        assertThat(stack.itemCount())
                .as("items in the table after every function primed")
                .isZero();
    }

    /**
     * Priming makes every kind of call its function's adapters make, and all but one harmless read
     * per client are answered in the function's own process: on the wire before the first request
     * there may be only those reads, and the restore's envelope key reads (see below). A write or a send here would mean priming's locally
     * answered calls leaked out (and wrote, decrypted, mailed or texted before the snapshot).
     */
    @Order(0)
    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void priming_callsOnTheWire_areOnlyItsHarmlessReads(String logicalId) {
        DeployedFunction function = function(logicalId);

        assertThat(function.callsBeforeFirstRequest())
                .as("%s: AWS calls on the wire before its first request", logicalId)
                .allSatisfy(call -> assertThat(call)
                        .isIn(
                                "dynamodb:GetItem",
                                "kms:DescribeKey",
                                "ses:GetSendQuota",
                                "sns:GetSMSAttributes",
                                // after the restore (the runtime's afterRestore here): the envelope key
                                // items read, and any existing key unwrapped; none created
                                "dynamodb:Query",
                                "kms:Decrypt"));
        if (DeployedStack.PRIMED) {
            assertThat(function.callsBeforeFirstRequest())
                    .as("%s primed: its real reads happened", logicalId)
                    .isNotEmpty();
        }
    }

    private static DeployedFunction function(String logicalId) {
        return stack.functions().stream()
                .filter(f -> f.function().logicalId().equals(logicalId))
                .findFirst()
                .orElseThrow();
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void function_getsThroughInit_asDeployed(String logicalId) {
        DeployedFunction function = function(logicalId);
        assertThat(function.initFailure())
                .as(
                        "%s (functions/%s/target/function.jar) under the runtime interface client",
                        logicalId, function.function().module())
                .isEmpty();
    }

    @Order(2)
    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void event_isAnsweredByTheDeployedFunction_asScenariosJsonExpects(Scenarios.Scenario scenario) throws IOException {
        answer(scenario);
    }

    /**
     * Issue 11 §3: a sign-in spends its code and appends its audit item in one conditional
     * transaction, so the deployed function makes exactly one DynamoDB write for it and no PutItem of
     * the audit item; a recovery sign-in reads its codes once (no count Query). What else remains on
     * the wire (the account GetItem, a KMS call for the secret, the assertion's signature) is printed
     * in the table, not asserted here: the signer and cipher are chosen elsewhere.
     */
    @Order(3)
    @ParameterizedTest(name = "{0}")
    @MethodSource("signIns")
    void signIn_writesOneTransactionHoldingItsAuditItem_onTheWire(String file, List<String> writes, int queries)
            throws IOException {
        Scenarios.Scenario scenario = Scenarios.all().stream()
                .filter(s -> s.file().equals(file))
                .findFirst()
                .orElseThrow();

        List<String> calls = answer(scenario);

        assertThat(calls.stream().filter(DeployedFunctionsIT::isDynamoDbWrite))
                .as("DynamoDB writes of %s on the wire, of %s", file, calls)
                .containsExactlyElementsOf(writes);
        assertThat(calls).as("no audit item written on its own").doesNotContain("dynamodb:PutItem");
        assertThat(calls.stream().filter("dynamodb:Query"::equals)).hasSize(queries);
    }

    static Stream<Arguments> signIns() {
        return Stream.of(
                Arguments.of("verify-login-ok.json", List.of("dynamodb:TransactWriteItems"), 0),
                // The codes' hashes, read once to compare against: the codes left are counted from them.
                Arguments.of("verify-login-recovery-code.json", List.of("dynamodb:TransactWriteItems"), 1),
                // The check is spent before the comparison (at most 5 per code), then the transaction.
                Arguments.of(
                        "sms-confirm-login.json", List.of("dynamodb:UpdateItem", "dynamodb:TransactWriteItems"), 0));
    }

    private static boolean isDynamoDbWrite(String call) {
        return Set.of(
                        "dynamodb:PutItem",
                        "dynamodb:UpdateItem",
                        "dynamodb:DeleteItem",
                        "dynamodb:BatchWriteItem",
                        "dynamodb:TransactWriteItems")
                .contains(call);
    }

    /** Prepares the scenario's state, sends its event, checks the answer; returns the AWS calls it made. */
    private static List<String> answer(Scenarios.Scenario scenario) throws IOException {
        SamTemplate.Route route =
                scenario.route().orElseThrow(() -> new AssertionError(scenario + " is for no route of its function"));
        Map<String, Object> event = Scenarios.event(scenario);
        stack.emptyTable();

        // GIVEN the state the scenario names, prepared through the deployed functions for the event's
        // user: the JWT's sub, or on an operator route the user the body names
        Givens.Driver api;
        if (route.iam()) {
            Object userId = JSON.std.mapFrom((String) event.get("body")).get("userId");
            api = stack.driver(String.valueOf(userId), OPERATOR_SCENARIO_EMAIL);
        } else {
            Map<String, String> claims = Scenarios.claimsOf(event);
            api = stack.driver(claims.get("sub"), claims.get("email"));
        }
        Map<String, String> values = Givens.prepare(scenario.given(), api);
        Scenarios.fill(scenario, event, values);

        // WHEN the deployed function gets the event
        DeployedFunction function = stack.function(scenario.function());
        Givens.Reply reply = function.invoke(scenario.file(), JSON.std.asString(event));

        // THEN
        Scenarios.assertAnswered(scenario, reply, OPEN_API, route.method(), route.path());
        return function.invocations().getLast().awsCalls();
    }
}
