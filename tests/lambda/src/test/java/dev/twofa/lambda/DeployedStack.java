package dev.twofa.lambda;

import dev.twofa.it.deployment.Givens;
import dev.twofa.it.deployment.Repo;
import dev.twofa.it.deployment.SamConfig;
import dev.twofa.it.deployment.SamTemplate;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Enrollment;
import dev.twofa.testing.ApiEvents;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * The stack of template.yaml on the emulators, every function running as deployed: the table and
 * the three KMS keys created in DynamoDB Local and moto and given to the functions where the
 * template says {@code !Ref Table}, {@code !Ref SecretsKey}…; the parameters at the values `sam
 * deploy` gives the dev stack (their defaults, then samconfig.toml's default environment), with one
 * exception, {@link #PARAMETERS}; the sender address verified in SES.
 */
final class DeployedStack implements AutoCloseable {
    static final String STACK_NAME = "twofa-dev";
    /**
     * What this stack sets apart from the dev stack. The functions read the real clock, which the test
     * cannot move past the 30 s between two SMS to a number (a `given` sends the enable code, then a
     * sign-in code): so no spacing here; every other SMS limit stays as deployed.
     */
    static final Map<String, String> PARAMETERS = Map.of("SmsSecondsBetweenSends", "0");

    private static final Pattern SMS_CODE = Pattern.compile("\\b(\\d{6})\\b");

    private final SamTemplate template = SamTemplate.ofRepo();
    private final DynamoDbClient dynamo = Emulators.dynamo();
    private final String table = "twofa-lambda-" + UUID.randomUUID();
    private final Map<String, String> resources = new HashMap<>();
    private final Map<String, String> parameters = new HashMap<>();
    /** Whether each function primes its request path at init, as SnapStart's beforeCheckpoint would (default true). */
    static final boolean PRIMED = Boolean.parseBoolean(System.getProperty("twofa.prime", "true"));

    private final Map<String, DeployedFunction> functions = new LinkedHashMap<>();
    /** Whether a function starts on its first request rather than with the stack ({@link #startOnDemand}). */
    private boolean onDemand;

    private boolean closed;

    private DeployedStack() {}

    /** Creates the resources, then starts each function in turn (so their init times do not compete). */
    static DeployedStack start() {
        DeployedStack stack = new DeployedStack();
        // Should the test JVM end without @AfterAll, its functions' JVMs end with it.
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "lambda-tier-stop"));
        stack.createResources();
        for (SamTemplate.Function function : stack.template.functions()) {
            stack.functions.put(function.logicalId(), DeployedFunction.start(function, stack));
        }
        return stack;
    }

    /**
     * The resources, and no function until a {@link #driver} request needs one: LambdaBench prepares
     * states through the few functions the {@code given} states call and starts those alone.
     */
    static DeployedStack startOnDemand() {
        DeployedStack stack = new DeployedStack();
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "lambda-tier-stop"));
        stack.createResources();
        stack.onDemand = true;
        return stack;
    }

    static Path repoRoot() {
        return Repo.root();
    }

    private void createResources() {
        dynamo.createTable(c -> c.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk")
                        .keyType(KeyType.RANGE)));
        try (KmsClient kms = Emulators.kms()) {
            resources.put("Table", table);
            resources.put("SecretsKey", key(kms, KeySpec.SYMMETRIC_DEFAULT, KeyUsageType.ENCRYPT_DECRYPT));
            resources.put("CodeHashKey", key(kms, KeySpec.HMAC_256, KeyUsageType.GENERATE_VERIFY_MAC));
            resources.put("AssertionKey", key(kms, KeySpec.ECC_NIST_P256, KeyUsageType.SIGN_VERIFY));
        }
        template.parameters().keySet().forEach(name -> template.parameterDefault(name)
                .ifPresent(value -> parameters.put(name, value)));
        parameters.putAll(SamConfig.parameterOverrides("default"));
        parameters.putAll(PARAMETERS);
        // moto refuses SendEmail from an address SES has not verified.
        Emulators.verifySesIdentity(resolve(new SamTemplate.Intrinsic("Ref", "SenderEmail")));
    }

    private static String key(KmsClient kms, KeySpec spec, KeyUsageType usage) {
        return kms.createKey(k -> k.keySpec(spec).keyUsage(usage)).keyMetadata().keyId();
    }

    URI dynamoDbEndpoint() {
        return Emulators.dynamoEndpoint();
    }

    /** moto_server (or LocalStack): KMS, SES, SNS. */
    URI awsEndpoint() {
        return Emulators.awsEndpoint();
    }

    /** A template value as CloudFormation passes it to a function: !Ref of a parameter or of a resource here. */
    String resolve(Object value) {
        if (value instanceof SamTemplate.Intrinsic ref && ref.tag().equals("Ref")) {
            String name = (String) ref.value();
            String resolved = parameters.containsKey(name) ? parameters.get(name) : resources.get(name);
            if (resolved == null) {
                throw new AssertionError("template.yaml gives a function !Ref " + name
                        + ", which this tier has no value for (a parameter without a default, or a resource"
                        + " DeployedStack does not create)");
            }
            return resolved;
        }
        if (value instanceof SamTemplate.Intrinsic other) {
            throw new AssertionError("this tier resolves only !Ref in a function's settings, not !" + other.tag());
        }
        return String.valueOf(value);
    }

    List<DeployedFunction> functions() {
        return List.copyOf(functions.values());
    }

    DeployedFunction function(SamTemplate.Function function) {
        return functions.get(function.logicalId());
    }

    synchronized DeployedFunction forRoute(String method, String path) {
        if (onDemand) {
            template.functions().stream()
                    .filter(f -> !functions.containsKey(f.logicalId()) && serves(f, method, path))
                    .findFirst()
                    .ifPresent(f -> functions.put(f.logicalId(), DeployedFunction.start(f, this)));
        }
        return functions.values().stream()
                .filter(f -> serves(f.function(), method, path))
                .findFirst()
                .orElseThrow(() -> new AssertionError("template.yaml has no route " + method + " " + path));
    }

    private static boolean serves(SamTemplate.Function function, String method, String path) {
        return function.routes().stream()
                .anyMatch(r -> r.method().equals(method) && r.path().equals(path));
    }

    /** How many items the table holds. */
    int itemCount() {
        return dynamo.scan(s -> s.tableName(table).select(Select.COUNT)).count();
    }

    /**
     * Deletes every item but the envelope key items: each event starts from the state its scenario
     * prepares, as in EventsInvokeIT. The key items ({@code KEYS#...}) live as long as the stack, like
     * the KMS keys: the running functions hold them unwrapped, and a secret sealed under a data key
     * whose item was deleted could never be read again.
     */
    void emptyTable() {
        while (true) {
            List<Map<String, AttributeValue>> keys = dynamo.scan(s -> s.tableName(table)
                            .projectionExpression("pk, sk")
                            .filterExpression("NOT begins_with(pk, :keys)")
                            .expressionAttributeValues(Map.of(":keys", AttributeValue.fromS("KEYS#"))))
                    .items();
            if (keys.isEmpty()) {
                return;
            }
            keys.forEach(key -> dynamo.deleteItem(d -> d.tableName(table).key(key)));
        }
    }

    /**
     * The API as a web app calls it for one user, over the deployed functions: the route's function
     * gets the event API Gateway would send with the JWT authorizer's claims.
     */
    Givens.Driver driver(String sub, String email) {
        return new Givens.Driver() {
            @Override
            public Givens.Reply call(String method, String path, String body) {
                String event = ApiEvents.route(method + " " + path)
                        .user(sub, email)
                        .client("198.51.100.23", "lambda-tier")
                        .stage(parameters.get("Stage"), DeployedFunction.ACCOUNT)
                        .body(body)
                        .json();
                DeployedFunction function = forRoute(method, path);
                Givens.Reply reply = function.invoke("(given) " + method + " " + path, event);
                if (reply.status() >= 400) {
                    // A given expects success: the function's own account of a refusal (which check,
                    // which step) is what tells a race in the test from one in the code.
                    System.out.println("(given) " + method + " " + path + " answered " + reply.status() + " "
                            + reply.body() + " at " + Instant.now() + "\n" + function.logTail());
                }
                return reply;
            }

            @Override
            public String activationToken() {
                return Enrollment.activationTokenSentTo(email);
            }

            @Override
            public String smsCode(String e164) {
                List<Emulators.SentSms> texts = Emulators.sentSmsTo(e164);
                if (texts.isEmpty()) {
                    throw new AssertionError("no SMS to " + e164);
                }
                Matcher m = SMS_CODE.matcher(texts.getLast().message());
                if (!m.find()) {
                    throw new AssertionError("no code in " + texts.getLast().message());
                }
                return m.group(1);
            }

            /** Nothing to wait for: this stack sets no spacing between SMS ({@link #PARAMETERS}). */
            @Override
            public void nextSmsWindow() {}

            @Override
            public Instant now() {
                return Instant.now();
            }
        };
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<RuntimeException> failures = new ArrayList<>();
        for (DeployedFunction function : functions.values()) {
            try {
                function.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        dynamo.close();
        if (!failures.isEmpty()) {
            throw failures.getFirst();
        }
    }
}
