package dev.twofa.it.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.aws.KmsAssertionSigner;
import dev.twofa.aws.KmsKeyWrapper;
import dev.twofa.aws.KmsKeyedHash;
import dev.twofa.aws.KmsSecretCipher;
import dev.twofa.aws.SesMailer;
import dev.twofa.aws.SnsSmsSender;
import dev.twofa.aws.store.DynamoTwoFactorStore;
import dev.twofa.config.Config;
import dev.twofa.envelope.EnvelopeAssertionSigner;
import dev.twofa.envelope.EnvelopeSecretCipher;
import dev.twofa.envelope.SecretFormat;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.TestApp;
import dev.twofa.port.AssertionSigner;
import dev.twofa.port.SecretCipher;
import dev.twofa.wiring.Adapters;
import dev.twofa.wiring.CryptoModes;
import dev.twofa.wiring.FixedAdapters;
import dev.twofa.wiring.Wiring;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Every events/ file, invoked in-process on the handler template.yaml names for its function, as
 * {@code sam local invoke <Function> -e events/<file>} would: the JSON read by the Lambda runtime's
 * own serializer, the production adapters on DynamoDB Local and moto, the settings the function's
 * template environment gives it. Each event gets the status events/scenarios.json expects and a
 * response docs/openapi.yaml describes, and every AWS call it makes must be allowed by its
 * function's role.
 */
class EventsInvokeIT {
    private static final SamTemplate TEMPLATE = SamTemplate.ofRepo();
    private static final OpenApi OPEN_API = OpenApi.ofRepo();
    /** The email of the user an operator event's {@code userId} names, when its state is prepared. */
    private static final String OPERATOR_SCENARIO_EMAIL = "support-case@example.com";

    static Stream<Scenarios.Scenario> scenarios() {
        return Scenarios.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void event_getsItsExpectedOutcome_describedByOpenApi_withinItsFunctionsPolicy(Scenarios.Scenario scenario)
            throws IOException {
        TestApp app = new TestApp();
        AwsCalls calls = new AwsCalls();
        String outcome = invoke(scenario, app, calls);

        SamTemplate.Function function = scenario.function();
        List<SdkRequest> requests = new ArrayList<>(app.dynamoRequests.requestsOf(SdkRequest.class));
        List<AwsCalls.Call> made = new ArrayList<>(AwsCalls.actions(requests));
        made.addAll(calls.actions());
        List<String> refused = new ArrayList<>();
        List<Map<String, Object>> statements = TEMPLATE.roleStatements(function);
        for (AwsCalls.Call call : made) {
            String resource = resourceOf(function, call, app);
            String why = AwsCalls.denial(call, resource, statements);
            if (why != null) {
                refused.add(call.action() + " on " + resource + " " + call.leadingKeys() + ": " + why);
            }
        }
        assertThat(refused)
                .as(
                        "%s made AWS calls %s; %s's role in template.yaml must allow each",
                        scenario, made, function.logicalId())
                .isEmpty();
        System.out.printf(
                "%-44s %-26s %s%n",
                scenario,
                outcome,
                made.stream().map(AwsCalls.Call::action).distinct().toList());
    }

    /** An API Gateway event for a route: the status, the problem type and field, the OpenAPI description. */
    @SuppressWarnings("unchecked")
    private static String invoke(Scenarios.Scenario scenario, TestApp app, AwsCalls calls) throws IOException {
        SamTemplate.Function function = scenario.function();
        SamTemplate.Route route =
                scenario.route().orElseThrow(() -> new AssertionError(scenario + " is for no route of " + function));
        Map<String, Object> event = Scenarios.event(scenario);
        Map<String, Object> context = (Map<String, Object>) event.get("requestContext");

        // GIVEN the state the scenario names, prepared through the handlers for the event's user: the
        // JWT's sub, or on an operator route the user the body names
        InProcessApi api;
        if (route.iam()) {
            Object userId = JSON.std.mapFrom((String) event.get("body")).get("userId");
            assertThat(scenario.given() == null || userId instanceof String)
                    .as("%s: given %s needs the user the body names (userId)", scenario, scenario.given())
                    .isTrue();
            api = new InProcessApi(app, TEMPLATE.functions(), (String) userId, OPERATOR_SCENARIO_EMAIL);
        } else {
            Map<String, String> claims = Scenarios.claimsOf(event);
            api = new InProcessApi(app, TEMPLATE.functions(), claims.get("sub"), claims.get("email"));
        }
        Map<String, String> values = Givens.prepare(scenario.given(), api);
        Scenarios.fill(scenario, event, values);

        // WHEN the function's handler gets the event, with every AWS call recorded
        Object handler = InProcessApi.handler(function, recordingWiring(function, app, calls));
        APIGatewayV2HTTPEvent lambdaEvent = InProcessApi.readEvent(JSON.std.asString(event));
        app.dynamoRequests.clear();
        Givens.Reply reply = InProcessApi.invoke(function, handler, lambdaEvent);

        // THEN
        Scenarios.assertAnswered(scenario, reply, OPEN_API, route.method(), route.path());
        return Integer.toString(reply.status());
    }

    /**
     * The production adapters on clients that record every request, and the settings the function's
     * template environment gives it (parameter defaults), as a deployed function reads them at init.
     */
    private static Wiring recordingWiring(SamTemplate.Function function, TestApp app, AwsCalls calls) {
        KmsClient kms = Emulators.at(Emulators.awsEndpoint(), KmsClient.builder())
                .overrideConfiguration(o -> o.addExecutionInterceptor(calls))
                .build();
        SesClient ses = Emulators.at(Emulators.awsEndpoint(), SesClient.builder())
                .overrideConfiguration(o -> o.addExecutionInterceptor(calls))
                .build();
        SnsClient sns = Emulators.at(Emulators.awsEndpoint(), SnsClient.builder())
                .overrideConfiguration(o -> o.addExecutionInterceptor(calls))
                .build();
        Map<String, String> env = new HashMap<>(TEMPLATE.environmentAsDeployed(function));
        // One stack: a function that takes an assertion as proof (POST /2fa/devices) checks one the
        // givens' sign-in issued, under the issuer and audience of the stack the givens ran on.
        env.computeIfPresent("ASSERTION_ISSUER", (name, value) -> TestApp.ASSERTION_ISSUER);
        env.computeIfPresent("ASSERTION_AUDIENCE", (name, value) -> TestApp.ASSERTION_AUDIENCE);
        // and a security key registered by the givens answers for the app (origin, RP id) they ran for.
        env.computeIfPresent("APP_BASE_URL", (name, value) -> TestApp.APP_BASE_URL);
        Config config = new Config(env);
        // The key modes the template gives the function, on a fresh instance's keys (nothing unwrapped yet).
        KmsKeyWrapper wrapper = new KmsKeyWrapper(kms, app.keyId);
        SecretCipher cipher = new SecretFormat(
                CryptoModes.secretsEnvelope(config),
                new KmsSecretCipher(kms, app.keyId),
                new EnvelopeSecretCipher(app.keyItems, () -> wrapper, Wiring.secureRandom(), app.clock));
        AssertionSigner signer = CryptoModes.assertionsEnvelope(config)
                ? new EnvelopeAssertionSigner(
                        app.keyItems, () -> wrapper, CryptoModes.keySchedule(config), Wiring.secureRandom(), app.clock)
                : new KmsAssertionSigner(kms, app.assertionKeyId);
        // The audit trail, events and key items go through app.dynamo, whose requests app.dynamoRequests records.
        Adapters adapters = new FixedAdapters(
                new DynamoTwoFactorStore(app.dynamo, app.table, app.auditTrail),
                cipher,
                new SesMailer(ses, TestApp.SENDER),
                new KmsKeyedHash(kms, app.macKeyId),
                new SnsSmsSender(sns, Optional.of("TwoFA")),
                app.auditTrail,
                signer,
                app.events);
        return new Wiring(adapters, config, app.clock, Wiring.secureRandom());
    }

    /**
     * The template resource a call touched, found the way the deployed function finds it: through
     * the environment variable that names it (TABLE_NAME, KMS_KEY_ID, MAC_KEY_ID...).
     */
    private static String resourceOf(SamTemplate.Function function, AwsCalls.Call call, TestApp app) {
        String service = call.action().substring(0, call.action().indexOf(':'));
        String variable;
        switch (service) {
            case "dynamodb" -> {
                assertThat(call.target()).as(call.action()).isEqualTo(app.table);
                variable = "TABLE_NAME";
            }
            case "kms" -> {
                if (call.target().equals(app.keyId)) {
                    variable = "KMS_KEY_ID";
                } else if (call.target().equals(app.macKeyId)) {
                    variable = "MAC_KEY_ID";
                } else if (call.target().equals(app.assertionKeyId)) {
                    variable = "ASSERTION_KEY_ID";
                } else {
                    throw new AssertionError("a KMS key the test does not know: " + call.target());
                }
            }
            default -> {
                return null;
            }
        }
        Object value = function.environment().get(variable);
        if (!(value instanceof SamTemplate.Intrinsic ref) || ref.target().isEmpty()) {
            throw new AssertionError(function.logicalId() + " calls " + call.action() + " through " + variable
                    + ", which template.yaml does not set to !Ref <resource> (it is " + value + ")");
        }
        return ref.target().get();
    }
}
