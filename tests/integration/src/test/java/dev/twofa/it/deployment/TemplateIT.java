package dev.twofa.it.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofa.app.common.AssertionIssuer;
import dev.twofa.app.common.OrgPolicies;
import dev.twofa.config.Config;
import dev.twofa.it.deployment.SamTemplate.Intrinsic;
import dev.twofa.wiring.Adapters;
import dev.twofa.wiring.AwsAdapters;
import dev.twofa.wiring.Wiring;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What operators rely on in template.yaml, checked for every function it lists. */
class TemplateIT {
    private static final SamTemplate TEMPLATE = SamTemplate.ofRepo();
    /** KMS operations that read or make key material: never for the account root or administrators. */
    private static final List<String> CRYPTO = List.of(
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:ReEncrypt",
            "kms:GenerateDataKey",
            "kms:GenerateMac",
            "kms:VerifyMac",
            "kms:Sign",
            "kms:CreateGrant",
            "kms:*");

    static Stream<SamTemplate.Function> functions() {
        return TEMPLATE.functions().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void function_isJava21OnArm64_withSnapStartAlias_ownRole_ownLogGroup_jsonLogs(SamTemplate.Function f) {
        Map<String, Object> p = f.properties();
        assertThat(p).containsEntry("Runtime", "java21").containsEntry("Architectures", List.of("arm64"));
        assertThat(p).containsEntry("SnapStart", Map.of("ApplyOn", "PublishedVersions"));
        assertThat(p.get("AutoPublishAlias"))
                .as("SnapStart runs on published versions, behind an alias")
                .isNotNull();
        assertThat(p.get("MemorySize")).isInstanceOf(Integer.class);
        assertThat(p.get("Timeout")).isInstanceOf(Integer.class);
        assertThat(p).doesNotContainKey("Policies");

        Map<String, Object> logging = SamTemplate.map(p.get("LoggingConfig"));
        assertThat(logging).containsEntry("LogFormat", "JSON");
        String logGroup = ((Intrinsic) logging.get("LogGroup")).target().orElseThrow();
        assertThat(TEMPLATE.type(logGroup)).isEqualTo("AWS::Logs::LogGroup");
        assertThat(TEMPLATE.properties(logGroup).get("RetentionInDays"))
                .isEqualTo(new Intrinsic("Ref", "LogRetentionDays"));
        assertThat(TEMPLATE.properties(logGroup).get("KmsKeyId"))
                .as("encrypted under the stack's logs key")
                .isEqualTo(new Intrinsic("GetAtt", "LogsKey.Arn"));
        long sharing = TEMPLATE.functions().stream()
                .filter(o -> logGroup.equals(
                        ((Intrinsic) SamTemplate.map(o.properties().get("LoggingConfig"))
                                        .get("LogGroup"))
                                .target()
                                .orElseThrow()))
                .count();
        assertThat(sharing).as("a log group of its own").isEqualTo(1);

        String role = TEMPLATE.roleOf(f);
        assertThat(TEMPLATE.type(role)).isEqualTo("AWS::IAM::Role");
        assertThat(TEMPLATE.properties(role).get("Path"))
                .as("the path the key policies admit")
                .isEqualTo(new Intrinsic("Sub", "/twofa/${AWS::StackName}/"));
        assertThat(TEMPLATE.properties(role)).doesNotContainKey("ManagedPolicyArns");
        long roleUsers = TEMPLATE.functions().stream()
                .filter(o -> TEMPLATE.roleOf(o).equals(role))
                .count();
        assertThat(roleUsers).as("a role of its own").isEqualTo(1);

        for (Map<String, Object> statement : TEMPLATE.roleStatements(f)) {
            for (Object action : SamTemplate.list(statement.get("Action"))) {
                assertThat((String) action)
                        .as("%s: no wildcard actions", statement.get("Sid"))
                        .doesNotContain("*");
            }
            List<Object> actions = SamTemplate.list(statement.get("Action"));
            if (actions.stream().anyMatch(a -> a.equals("logs:PutLogEvents"))) {
                assertThat(SamTemplate.list(statement.get("Resource")))
                        .allMatch(r -> r instanceof Intrinsic i && i.isGetAttArnOf(logGroup), "its own log group");
            }
            if (actions.stream().anyMatch(a -> a.equals("kms:Encrypt") || a.equals("kms:Decrypt"))) {
                assertThat(SamTemplate.map(statement.get("Condition")))
                        .as("%s: bound to the encryption context", statement.get("Sid"))
                        .containsKeys("StringEquals", "ForAllValues:StringEquals", "Null");
            }
            if ("Allow".equals(statement.get("Effect"))
                    && SamTemplate.list(statement.get("Resource")).contains("*")) {
                assertThat(actions)
                        .as(
                                "%s: Resource \"*\" only where the action has no resource (SMS to a number)",
                                statement.get("Sid"))
                        .allMatch(a -> a.equals("sns:Publish") || a.equals("sns:CheckIfPhoneNumberIsOptedOut"));
            }
        }
    }

    /**
     * Every AWS call of a request ends inside TWOFA_AWS_BUDGET_MS (AwsBudget): with less than 2 s
     * between it and the function's timeout, a hanging dependency would still outlive the function.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void function_awsBudget_endsTwoSecondsBeforeItsTimeout(SamTemplate.Function f) {
        long timeoutMillis = Long.parseLong(String.valueOf(f.properties().get("Timeout"))) * 1000;
        long budgetMillis =
                Long.parseLong(TEMPLATE.environmentAsDeployed(f).getOrDefault("TWOFA_AWS_BUDGET_MS", "8000"));

        assertThat(budgetMillis).as("TWOFA_AWS_BUDGET_MS of %s", f).isLessThanOrEqualTo(timeoutMillis - 2000);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void function_initialisesFromItsTemplateEnvironment(SamTemplate.Function f) throws Exception {
        Map<String, String> env = new HashMap<>(TEMPLATE.environmentAsDeployed(f));
        env.put("AWS_REGION", "eu-west-1"); // Lambda sets it
        Config config = new Config(env);
        Wiring wiring = new Wiring(new AwsAdapters(config), config, Clock.systemUTC(), Wiring.secureRandom());
        Class<?> handler = Class.forName(f.handlerClass());
        Constructor<?> injecting = Stream.of(handler.getConstructors())
                .filter(c -> c.getParameterCount() == 1)
                .findFirst()
                .orElseThrow();
        // What the no-argument constructor does at init (Wiring.fromEnvironment()), on the
        // environment template.yaml gives the function: a variable it lacks fails here, naming it.
        assertThat(wiring.useCase(injecting.getParameterTypes()[0])).isNotNull();
    }

    /**
     * What init cannot prove: settings that have a default (a missing one goes unnoticed) and
     * permissions only some paths use. Derived from the code, not from a list here: the adapters the
     * function's use case asks the wiring for, the assertion issuer it holds, and whether it reads
     * the organisation policy (refers to OrgPolicies).
     *
     * <ul>
     *   <li>records security events → AUDIT_RETENTION_DAYS from the AuditRetentionDays parameter,
     *       and dynamodb:PutItem on the table (every event is an audit item); EVENT_BUS_NAME from the
     *       EventBusName parameter, and events:PutEvents on that bus for source twofa only;
     *   <li>reads the audit trail → dynamodb:Query on the table;
     *   <li>signs assertions → ASSERTION_ISSUER, ASSERTION_AUDIENCE, ASSERTION_TTL_SECONDS from their
     *       parameters, and kms:Sign on the assertion key;
     *   <li>holds the assertion signer → kms:GetPublicKey on the assertion key (the JWKS, and the
     *       {@code kid} of every assertion, come from the public key);
     *   <li>reads the organisation policy → ORG_CLAIM from the OrgClaim parameter (the claim is read
     *       straight from the environment, so init never checks it), and dynamodb:GetItem.
     * </ul>
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void function_hasTheSettingsAndPermissions_itsUseCaseNeeds(SamTemplate.Function f) throws Exception {
        Map<String, String> env = new HashMap<>(TEMPLATE.environmentAsDeployed(f));
        env.put("AWS_REGION", "eu-west-1");
        Config config = new Config(env);
        Adapters real = new AwsAdapters(config);
        Set<String> asked = new TreeSet<>();
        Adapters probe = (Adapters) Proxy.newProxyInstance(
                Adapters.class.getClassLoader(), new Class<?>[] {Adapters.class}, (proxy, method, args) -> {
                    asked.add(method.getName());
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Class<?> useCase = useCaseType(f);
        new Wiring(probe, config, Clock.systemUTC(), Wiring.secureRandom()).useCase(useCase);

        List<String> problems = new ArrayList<>();
        if (asked.contains("events")) {
            requireParameter(f, "AUDIT_RETENTION_DAYS", "AuditRetentionDays", "it records security events", problems);
            requireAction(f, "dynamodb:PutItem", "Table", "security events are audit items", problems);
            requireItem(f, "dynamodb:PutItem", "AUDIT#", "security events are audit items", problems);
            requireParameter(f, "EVENT_BUS_NAME", "EventBusName", "it publishes security events", problems);
            boolean publishes = TEMPLATE.roleStatements(f).stream()
                    .filter(s -> "Allow".equals(s.get("Effect")))
                    .filter(s -> SamTemplate.list(s.get("Action")).contains("events:PutEvents"))
                    .filter(s -> SamTemplate.list(s.get("Resource")).stream()
                            .anyMatch(r -> r instanceof Intrinsic i
                                    && i.tag().equals("Sub")
                                    && String.valueOf(i.value()).endsWith(":event-bus/${EventBusName}")))
                    .anyMatch(s -> Map.of("StringEquals", Map.of("events:source", "twofa"))
                            .equals(s.get("Condition")));
            if (!publishes) {
                problems.add(TEMPLATE.roleOf(f) + " must allow events:PutEvents on the EventBusName bus, source twofa"
                        + " only (it publishes security events)");
            }
        }
        if (asked.contains("auditTrail")) {
            requireAction(f, "dynamodb:Query", "Table", "it reads the audit trail", problems);
            requireItem(f, "dynamodb:Query", "AUDIT#", "it reads the audit trail", problems);
        }
        if (Stream.of(useCase.getDeclaredFields()).anyMatch(field -> field.getType() == AssertionIssuer.class)) {
            String why = "it issues sign-in assertions";
            requireParameter(f, "ASSERTION_ISSUER", "AssertionIssuer", why, problems);
            requireParameter(f, "ASSERTION_AUDIENCE", "AssertionAudience", why, problems);
            requireParameter(f, "ASSERTION_TTL_SECONDS", "AssertionTtlSeconds", why, problems);
            requireAction(f, "kms:Sign", "AssertionKey", why, problems);
            // Envelope signing (the default): keys created and unwrapped under the secrets key.
            requireParameter(f, "ASSERTION_KEY_ROTATION_DAYS", "AssertionKeyRotationDays", why, problems);
            requireAction(f, "kms:Encrypt", "SecretsKey", "it creates envelope assertion keys", problems);
            requireAction(f, "kms:Decrypt", "SecretsKey", "it unwraps envelope assertion keys", problems);
            if (!f.environment().containsKey("KMS_KEY_ID")) {
                problems.add("KMS_KEY_ID must name the key that wraps the envelope assertion keys");
            }
        }
        if (asked.contains("assertionSigner")) {
            requireAction(f, "kms:GetPublicKey", "AssertionKey", "the key id comes from the public key", problems);
            requireAction(f, "dynamodb:Query", "Table", "envelope public keys are key items", problems);
        }
        if (asked.contains("cipher")) {
            requireAction(f, "kms:Decrypt", "SecretsKey", "it reads secrets", problems);
            requireAction(f, "dynamodb:Query", "Table", "the envelope data key is a key item", problems);
        }
        requireParameter(f, "ASSERTION_SIGNING", "AssertionSigning", "every function may sign or verify", problems);
        requireParameter(f, "SECRETS_ENCRYPTION", "SecretsEncryption", "every function may hold secrets", problems);
        // By the class itself: a move (OrgPolicies went to app.common) must not turn the check off.
        if (refersTo(useCase, OrgPolicies.class.getName().replace('.', '/'))) {
            requireParameter(f, "ORG_CLAIM", "OrgClaim", "it reads the organisation policy", problems);
            requireAction(f, "dynamodb:GetItem", "Table", "it reads the organisation policy", problems);
            requireItem(f, "dynamodb:GetItem", "ORG#", "it reads the organisation policy", problems);
        }
        assertThat(problems)
                .as("%s (%s asks for %s)", f.logicalId(), useCase.getSimpleName(), asked)
                .isEmpty();
    }

    private static Class<?> useCaseType(SamTemplate.Function f) throws ClassNotFoundException {
        return Stream.of(Class.forName(f.handlerClass()).getConstructors())
                .filter(c -> c.getParameterCount() == 1)
                .findFirst()
                .orElseThrow()
                .getParameterTypes()[0];
    }

    private static void requireParameter(
            SamTemplate.Function f, String variable, String parameter, String why, List<String> problems) {
        Object value = f.environment().get(variable);
        if (!new Intrinsic("Ref", parameter).equals(value)) {
            problems.add(variable + " must be !Ref " + parameter + " (" + why + "), not " + value);
        }
        if (!TEMPLATE.parameters().containsKey(parameter)) {
            problems.add("template.yaml needs the parameter " + parameter);
        }
    }

    private static void requireAction(
            SamTemplate.Function f, String action, String resource, String why, List<String> problems) {
        boolean allowed = TEMPLATE.roleStatements(f).stream()
                .filter(s -> "Allow".equals(s.get("Effect")))
                .filter(s -> SamTemplate.list(s.get("Action")).contains(action))
                .anyMatch(s -> SamTemplate.list(s.get("Resource")).stream()
                        .anyMatch(r -> r instanceof Intrinsic i && i.isGetAttArnOf(resource)));
        if (!allowed) {
            problems.add(TEMPLATE.roleOf(f) + " must allow " + action + " on " + resource + " (" + why + ")");
        }
    }

    /** Some statement allows {@code action} on items of the table in the family {@code family} (a pk prefix). */
    private static void requireItem(
            SamTemplate.Function f, String action, String family, String why, List<String> problems) {
        boolean allowed = TEMPLATE.roleStatements(f).stream()
                .filter(s -> "Allow".equals(s.get("Effect")))
                .filter(s -> SamTemplate.list(s.get("Action")).contains(action))
                .filter(s -> SamTemplate.list(s.get("Resource")).stream()
                        .anyMatch(r -> r instanceof Intrinsic i && i.isGetAttArnOf("Table")))
                .anyMatch(s -> {
                    List<Object> families =
                            SamTemplate.list(SamTemplate.map(SamTemplate.map(s.getOrDefault("Condition", Map.of()))
                                            .getOrDefault("ForAllValues:StringLike", Map.of()))
                                    .get("dynamodb:LeadingKeys"));
                    return families.isEmpty() || families.stream().anyMatch(k -> ((String) k).startsWith(family));
                });
        if (!allowed) {
            problems.add(TEMPLATE.roleOf(f) + " must allow " + action + " on " + family + "* items (" + why + ")");
        }
    }

    /** Whether the class file names {@code internalName} (a class it calls is in its constant pool). */
    private static boolean refersTo(Class<?> type, String internalName) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            assertThat(in).as("class file of %s", type).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains(internalName);
        }
    }

    @Test
    void api_hasJwtAuthorizer_corsForTheApp_explicitThrottling_andAccessLogs() {
        Map<String, Object> api = TEMPLATE.properties("Api");
        Map<String, Object> auth = SamTemplate.map(api.get("Auth"));
        String authorizer = (String) auth.get("DefaultAuthorizer");
        Map<String, Object> jwt = SamTemplate.map(
                SamTemplate.map(SamTemplate.map(auth.get("Authorizers")).get(authorizer))
                        .get("JwtConfiguration"));
        assertThat(jwt)
                .containsEntry("issuer", new Intrinsic("Ref", "JwtIssuer"))
                .containsEntry("audience", new Intrinsic("Ref", "JwtAudience"));
        for (SamTemplate.Function f : TEMPLATE.functions()) {
            for (SamTemplate.Route r : f.routes()) {
                assertThat(r.properties().get("ApiId")).isEqualTo(new Intrinsic("Ref", "Api"));
            }
        }
        Map<String, Object> cors = SamTemplate.map(api.get("CorsConfiguration"));
        assertThat(cors.get("AllowOrigins").toString()).contains("AppBaseUrl").doesNotContain("\"*\"");
        Map<String, Object> throttling = SamTemplate.map(api.get("DefaultRouteSettings"));
        assertThat(throttling).containsKeys("ThrottlingRateLimit", "ThrottlingBurstLimit");
        Map<String, Object> logs = SamTemplate.map(api.get("AccessLogSettings"));
        String group = ((Intrinsic) logs.get("DestinationArn")).target().orElseThrow();
        assertThat(TEMPLATE.type(group)).isEqualTo("AWS::Logs::LogGroup");
        assertThat(TEMPLATE.properties(group)).containsKey("RetentionInDays");
        assertThat((String) logs.get("Format")).doesNotContain("authorization").contains("$context.requestId");
    }

    /**
     * SMS pumping: the allow-list is the main guard, so no deployment may send everywhere by
     * accepting a default. Without one, `sam deploy --guided` asks (and refuses an empty answer).
     */
    @Test
    void smsAllowedCountries_hasNoDefault_andAllowsEveryCountryOnlyByName() {
        Map<String, Object> countries = SamTemplate.map(TEMPLATE.parameters().get("SmsAllowedCountries"));
        assertThat(countries).doesNotContainKey("Default");
        String pattern = (String) countries.get("AllowedPattern");
        assertThat("DK,SE,GB").matches(pattern);
        assertThat("ALL").matches(pattern);
        assertThat("").doesNotMatch(pattern);
        assertThat("DK,").doesNotMatch(pattern);
    }

    @Test
    void smsSend_getsItsHourlyBudgets_fromParametersWithSafeDefaults() {
        SamTemplate.Function smsSend = TEMPLATE.functions().stream()
                .filter(f -> f.logicalId().equals("SmsSendFunction"))
                .findFirst()
                .orElseThrow();
        assertThat(smsSend.environment())
                .containsEntry("SMS_HOURLY_BUDGET", new Intrinsic("Ref", "SmsHourlyBudget"))
                .containsEntry("SMS_COUNTRY_HOURLY_BUDGET", new Intrinsic("Ref", "SmsCountryHourlyBudget"))
                .containsEntry("SMS_ALLOWED_COUNTRIES", new Intrinsic("Ref", "SmsAllowedCountries"));
        assertThat(TEMPLATE.parameterDefault("SmsHourlyBudget")).contains("300");
        assertThat(TEMPLATE.parameterDefault("SmsCountryHourlyBudget")).contains("100");
        // The budgets are counted with conditional ADDs (UpdateItem) on the table.
        assertThat(TEMPLATE.roleStatements(smsSend))
                .anyMatch(s -> SamTemplate.list(s.get("Action")).contains("dynamodb:UpdateItem"));
    }

    @Test
    void table_isOnDemand_withTtl_pitr_andDeletionProtectionParameter() {
        Map<String, Object> table = TEMPLATE.properties("Table");
        assertThat(table).containsEntry("BillingMode", "PAY_PER_REQUEST");
        assertThat(table)
                .containsEntry("TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true));
        assertThat(table).containsEntry("PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true));
        assertThat(table.get("DeletionProtectionEnabled")).isEqualTo(new Intrinsic("Ref", "TableDeletionProtection"));
        assertThat(TEMPLATE.resource("Table")).containsEntry("DeletionPolicy", "Retain");
    }

    @Test
    void keys_rotate_andOnlyThisStacksRoles_mayUseThem() {
        assertThat(TEMPLATE.properties("SecretsKey")).containsEntry("EnableKeyRotation", true);
        List<String> keys = TEMPLATE.resources().keySet().stream()
                .filter(id -> TEMPLATE.type(id).equals("AWS::KMS::Key"))
                .toList();
        assertThat(keys).isNotEmpty();
        for (String key : keys) {
            Map<String, Object> policy =
                    SamTemplate.map(TEMPLATE.properties(key).get("KeyPolicy"));
            List<String> problems = new ArrayList<>();
            for (Object s : SamTemplate.list(policy.get("Statement"))) {
                Map<String, Object> statement = SamTemplate.map(s);
                List<Object> actions = SamTemplate.list(statement.get("Action"));
                boolean crypto =
                        actions.stream().anyMatch(a -> CRYPTO.stream().anyMatch(c -> ((String) a).startsWith(c)));
                if (!crypto) {
                    continue;
                }
                Map<String, Object> condition = SamTemplate.map(statement.getOrDefault("Condition", Map.of()));
                Map<String, Object> arnLike = SamTemplate.map(condition.getOrDefault("ArnLike", Map.of()));
                Object service = SamTemplate.map(statement.get("Principal")).get("Service");
                if (service != null) {
                    // CloudWatch Logs encrypting this stack's log groups (LogsKey): the encryption
                    // context names the log group, so only /aws/lambda|apigateway/<stack>/... qualify.
                    List<Object> logGroups = SamTemplate.list(arnLike.get("kms:EncryptionContext:aws:logs:arn"));
                    if (!new Intrinsic("Sub", "logs.${AWS::Region}.amazonaws.com").equals(service)
                            || logGroups.isEmpty()
                            || !logGroups.stream()
                                    .allMatch(
                                            g -> g instanceof Intrinsic i
                                                    && String.valueOf(i.value())
                                                            .matches(
                                                                    ".*:log-group:/aws/(lambda|apigateway)/\\$\\{AWS::StackName}/\\*"))) {
                        problems.add(key + " " + statement.get("Sid") + " allows " + actions + " to " + service
                                + " beyond CloudWatch Logs for this stack's log groups");
                    }
                    continue;
                }
                Object principalArn = arnLike.get("aws:PrincipalArn");
                if (!(principalArn instanceof Intrinsic i
                        && String.valueOf(i.value()).endsWith(":role/twofa/${AWS::StackName}/*"))) {
                    problems.add(key + " " + statement.get("Sid") + " allows " + actions
                            + " without limiting it to this stack's roles (aws:PrincipalArn)");
                }
                if (actions.stream().anyMatch(a -> a.equals("kms:*") || a.equals("kms:CreateGrant"))) {
                    problems.add(key + " " + statement.get("Sid") + " allows " + actions);
                }
            }
            assertThat(problems).isEmpty();
        }
    }

    @Test
    void outputs_nameTheApiUrl_table_keys_andTheSupportRole() {
        assertThat(TEMPLATE.outputs())
                .containsKeys("ApiUrl", "JwksUrl", "TableName", "SecretsKeyArn", "CodeHashKeyArn", "AssertionKeyArn");
        // Support staff assume it (with MFA) to sign their requests to the operator routes.
        assertThat(SamTemplate.map(TEMPLATE.outputs().get("SupportRoleArn")))
                .containsEntry("Value", new Intrinsic("GetAtt", SUPPORT_ROLE + ".Arn"));
    }

    // ---------------------------------------------------------------- operators ----

    /** The operator routes, and the role that alone may call them. */
    private static final Set<String> OPERATOR_ROUTES =
            Set.of("POST /operator/support-reset", "PUT /operator/org-policy");

    private static final String SUPPORT_ROLE = "SupportRole";

    @Test
    void operatorRoutes_useTheAwsIamAuthorizer_andNoOtherRouteDoes() {
        assertThat(SamTemplate.map(TEMPLATE.properties("Api").get("Auth")))
                .as("SAM adds the AWS_IAM authorizer to an HttpApi only when asked")
                .containsEntry("EnableIamAuthorizer", true);
        Map<String, String> authorizers = new HashMap<>();
        for (SamTemplate.Function f : TEMPLATE.functions()) {
            for (SamTemplate.Route r : f.routes()) {
                authorizers.put(r.routeKey(), r.authorizer());
            }
        }
        assertThat(authorizers)
                .containsAllEntriesOf(Map.of(
                        "POST /operator/support-reset", "AWS_IAM",
                        "PUT /operator/org-policy", "AWS_IAM"));
        assertThat(authorizers.entrySet().stream().filter(e -> e.getValue().equals("AWS_IAM")))
                .extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrderElementsOf(OPERATOR_ROUTES);
        assertThat(TEMPLATE.function("SupportResetFunction").routes())
                .extracting(SamTemplate.Route::routeKey)
                .containsExactly("POST /operator/support-reset");
        assertThat(TEMPLATE.function("OrgPolicyFunction").routes())
                .extracting(SamTemplate.Route::routeKey)
                .containsExactly("PUT /operator/org-policy");
    }

    /**
     * Assumed only by principals of this account that signed in with MFA: a stolen access key alone
     * does not reach the operator routes. No service may assume it, and its path is outside
     * /twofa/<stack>/, so the key policies never admit it.
     */
    @Test
    void supportRole_trustsOnlyThisAccountsPrincipals_andOnlyWithMfa() {
        assertThat(TEMPLATE.type(SUPPORT_ROLE)).isEqualTo("AWS::IAM::Role");
        Map<String, Object> role = TEMPLATE.properties(SUPPORT_ROLE);
        List<Object> trust = SamTemplate.list(
                SamTemplate.map(role.get("AssumeRolePolicyDocument")).get("Statement"));
        assertThat(trust).isNotEmpty();
        for (Object s : trust) {
            Map<String, Object> statement = SamTemplate.map(s);
            assertThat(statement).containsEntry("Effect", "Allow");
            assertThat(SamTemplate.list(statement.get("Action"))).containsExactly("sts:AssumeRole");
            assertThat(SamTemplate.map(statement.get("Principal")))
                    .containsExactly(Map.entry(
                            "AWS", new Intrinsic("Sub", "arn:${AWS::Partition}:iam::${AWS::AccountId}:root")));
            assertThat(SamTemplate.map(statement.get("Condition")))
                    .as("%s: MFA required", statement.get("Sid"))
                    .containsEntry("Bool", Map.of("aws:MultiFactorAuthPresent", "true"));
        }
        assertThat(role.get("Path")).isNotEqualTo(new Intrinsic("Sub", "/twofa/${AWS::StackName}/"));
        assertThat(String.valueOf(((Intrinsic) role.get("Path")).value())).doesNotStartWith("/twofa/");
        assertThat(role).doesNotContainKeys("ManagedPolicyArns", "RoleName");
    }

    /** Its policy allows execute-api:Invoke on exactly the two operator routes of this API and stage. */
    @Test
    void supportRolePolicy_allowsInvokingTheTwoOperatorRoutes_andNothingElse() {
        Set<String> resources = new TreeSet<>();
        for (Map<String, Object> statement : inlineStatements(SUPPORT_ROLE)) {
            assertThat(statement).containsEntry("Effect", "Allow");
            assertThat(SamTemplate.list(statement.get("Action"))).containsExactly("execute-api:Invoke");
            assertThat(statement).doesNotContainKeys("NotAction", "NotResource");
            for (Object resource : SamTemplate.list(statement.get("Resource"))) {
                assertThat(resource).as("an execute-api ARN built with !Sub").isInstanceOf(Intrinsic.class);
                Intrinsic sub = (Intrinsic) resource;
                assertThat(sub.tag()).isEqualTo("Sub");
                resources.add((String) sub.value());
            }
        }
        Set<String> expected = new TreeSet<>();
        for (String route : OPERATOR_ROUTES) {
            String[] methodAndPath = route.split(" ", 2);
            expected.add("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/${Stage}/"
                    + methodAndPath[0] + methodAndPath[1]);
        }
        assertThat(resources).isEqualTo(expected);
    }

    /**
     * No other role of the stack may call the operator routes or invoke a function directly (the
     * function roles least of all: a compromised function must not reset users), and the stack adds
     * no policy or permission that would.
     */
    @Test
    void noOtherRole_mayInvokeTheOperatorRoutes_orAnyFunction() {
        List<String> problems = new ArrayList<>();
        for (String id : TEMPLATE.resources().keySet()) {
            String type = TEMPLATE.type(id);
            if (type.equals("AWS::IAM::Policy")
                    || type.equals("AWS::IAM::ManagedPolicy")
                    || type.equals("AWS::Lambda::Permission")) {
                problems.add(id + ": a " + type + " (SAM grants API Gateway its invoke permission itself)");
            }
            if (!type.equals("AWS::IAM::Role") || id.equals(SUPPORT_ROLE)) {
                continue;
            }
            if (TEMPLATE.properties(id).containsKey("ManagedPolicyArns")) {
                problems.add(id + ": managed policies could grant anything");
            }
            for (Map<String, Object> statement : inlineStatements(id)) {
                for (Object action : SamTemplate.list(statement.get("Action"))) {
                    for (String invoke : List.of("execute-api:Invoke", "lambda:InvokeFunction")) {
                        if (grants((String) action, invoke)) {
                            problems.add(id + " " + statement.get("Sid") + ": " + action + " grants " + invoke);
                        }
                    }
                }
                if (statement.containsKey("NotAction")) {
                    problems.add(id + " " + statement.get("Sid") + ": NotAction");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /**
     * No role may touch any item of the table: every statement with a DynamoDB action names the item
     * families (pk prefixes) it may touch, so a function cannot read or write another family's items
     * (EventsInvokeIT checks the real calls against these conditions).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void function_tableStatements_areBoundToTheItemFamiliesItTouches(SamTemplate.Function f) {
        for (Map<String, Object> statement : TEMPLATE.roleStatements(f)) {
            boolean dynamo = SamTemplate.list(statement.get("Action")).stream()
                    .anyMatch(a -> ((String) a).startsWith("dynamodb:"));
            if (!dynamo || !"Allow".equals(statement.get("Effect"))) {
                continue;
            }
            List<Object> families = SamTemplate.list(SamTemplate.map(SamTemplate.map(statement.get("Condition"))
                            .getOrDefault("ForAllValues:StringLike", Map.of()))
                    .get("dynamodb:LeadingKeys"));
            assertThat(families)
                    .as("%s %s: dynamodb:LeadingKeys (ForAllValues:StringLike)", f, statement.get("Sid"))
                    .isNotEmpty()
                    .allMatch(k -> ((String) k).matches("[A-Z]+#[A-Za-z#:]*\\*?"), "a family prefix, not \"*\"");
        }
    }

    /** The metric filters' namespace: the security counts of this stack only. */
    private static final Intrinsic OWN_NAMESPACE = new Intrinsic("Sub", "twofa/${AWS::StackName}");

    /**
     * Each alarm watches its metric against a threshold the operator sets as a parameter, and tells
     * the alarm topic (the stack's, or the operator's AlarmTopicArn) when it fires and when it clears.
     */
    @Test
    void alarms_watchTheApi_kms_smsSpend_andSecurityEvents_withThresholdParameters() {
        assertAlarm("KmsThrottlingAlarm", OWN_NAMESPACE, "KmsThrottled", "KmsThrottledPerMinute");
        assertAlarm("SmsSpendAlarm", "AWS/SNS", "SMSMonthToDateSpentUSD", "SmsSpendAlarmUsd");
        Map<String, Object> sends =
                assertAlarm("SmsSendsNearBudgetAlarm", OWN_NAMESPACE, "SmsSent", "SmsSentPerHourAlarm");
        assertThat(sends.get("Period"))
                .as("SMS sends are counted by the hour, like the budget")
                .isEqualTo(3600);
        assertAlarm("FactorsLockedAlarm", OWN_NAMESPACE, "FactorsLocked", "FactorsLockedPerMinute");
        assertAlarm("VerifyFailuresAlarm", OWN_NAMESPACE, "VerifyFailures", "VerifyFailuresPerMinute");

        Map<String, Object> rate = alarm("ApiServerErrorRateAlarm", "Api5xxRatePercent");
        Map<String, Map<String, Object>> byId = new HashMap<>();
        for (Object m : SamTemplate.list(rate.get("Metrics"))) {
            byId.put((String) SamTemplate.map(m).get("Id"), SamTemplate.map(m));
        }
        assertThat(byId.get("rate")).containsEntry("ReturnData", true);
        assertThat((String) byId.get("rate").get("Expression")).contains("100 * errors / requests");
        for (var metric : Map.of("errors", "5xx", "requests", "Count").entrySet()) {
            Map<String, Object> stat = SamTemplate.map(
                    SamTemplate.map(byId.get(metric.getKey()).get("MetricStat")).get("Metric"));
            assertThat(stat)
                    .containsEntry("Namespace", "AWS/ApiGateway")
                    .containsEntry("MetricName", metric.getValue())
                    .containsEntry(
                            "Dimensions",
                            List.of(
                                    Map.of("Name", "ApiId", "Value", new Intrinsic("Ref", "Api")),
                                    Map.of("Name", "Stage", "Value", new Intrinsic("Ref", "Stage"))));
        }
        assertThat(SamTemplate.map(TEMPLATE.parameters().get("AlarmEmail"))).containsEntry("Default", "");
        assertThat(TEMPLATE.properties("AlarmEmailSubscription"))
                .containsEntry("Protocol", "email")
                .containsEntry("Endpoint", new Intrinsic("Ref", "AlarmEmail"));
    }

    /** Every function: an alarm on its Lambda errors and one on its throttles. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void function_hasErrorsAndThrottlesAlarms(SamTemplate.Function f) {
        String prefix = f.logicalId().replaceFirst("Function$", "");
        for (var kind : Map.of("Errors", "LambdaErrorsPerFiveMinutes", "Throttles", "LambdaThrottlesPerFiveMinutes")
                .entrySet()) {
            Map<String, Object> alarm =
                    assertAlarm(prefix + kind.getKey() + "Alarm", "AWS/Lambda", kind.getKey(), kind.getValue());
            assertThat(alarm.get("Dimensions"))
                    .isEqualTo(List.of(Map.of("Name", "FunctionName", "Value", new Intrinsic("Ref", f.logicalId()))));
        }
    }

    /**
     * Every function's log group feeds the security counts the alarms watch: the same metric, one
     * filter per log group (a metric filter reads one log group). AlarmLogPatternsIT runs the patterns.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void function_logGroup_countsLockedFactors_failedVerifications_andKmsThrottling(SamTemplate.Function f) {
        Intrinsic logGroup =
                (Intrinsic) SamTemplate.map(f.properties().get("LoggingConfig")).get("LogGroup");
        Map<String, String> patternByMetric = new HashMap<>();
        for (String id : TEMPLATE.resources().keySet()) {
            if (TEMPLATE.type(id).equals("AWS::Logs::MetricFilter")
                    && logGroup.equals(TEMPLATE.properties(id).get("LogGroupName"))) {
                for (Object t : SamTemplate.list(TEMPLATE.properties(id).get("MetricTransformations"))) {
                    Map<String, Object> transformation = SamTemplate.map(t);
                    assertThat(transformation.get("MetricNamespace")).isEqualTo(OWN_NAMESPACE);
                    patternByMetric.put((String) transformation.get("MetricName"), (String)
                            TEMPLATE.properties(id).get("FilterPattern"));
                }
            }
        }
        // Only sms-send sends SMS: its log group alone also counts them, for SmsSendsNearBudgetAlarm.
        String smsSent = patternByMetric.remove("SmsSent");
        assertThat(smsSent)
                .as("%s counts SMS sent", f.logicalId())
                .isEqualTo(
                        f.logicalId().equals("SmsSendFunction")
                                ? "\"securityEvent\" \"sms_sent\" -\"audit_write_failed\""
                                : null);
        assertThat(patternByMetric).isEqualTo(AlarmLogPatternsIT.patternsOf(TEMPLATE, "StartEnableLogGroup"));
        assertThat(patternByMetric).containsOnlyKeys("FactorsLocked", "VerifyFailures", "KmsThrottled");
    }

    /** The dashboard shows every alarm's state, and the metrics behind them. */
    @Test
    void dashboard_showsEveryAlarm_andTheirMetrics() {
        Intrinsic body = (Intrinsic) TEMPLATE.properties("Dashboard").get("DashboardBody");
        String json = (String) SamTemplate.list(body.value()).get(0);
        for (String id : TEMPLATE.resources().keySet()) {
            if (TEMPLATE.type(id).equals("AWS::CloudWatch::Alarm")) {
                assertThat(json).as("the alarm widget lists %s", id).contains("\"${" + id + ".Arn}\"");
            }
        }
        for (String metric : List.of(
                "\"5xx\"",
                "\"FactorsLocked\"",
                "\"VerifyFailures\"",
                "\"KmsThrottled\"",
                "\"SMSMonthToDateSpentUSD\"",
                "\"SmsSent\"")) {
            assertThat(json).contains(metric);
        }
        for (SamTemplate.Function f : TEMPLATE.functions()) {
            assertThat(json).contains("\"${" + f.logicalId() + "}\"");
        }
    }

    private static Map<String, Object> assertAlarm(String id, Object namespace, String metric, String threshold) {
        Map<String, Object> alarm = alarm(id, threshold);
        assertThat(alarm.get("Namespace")).as("%s namespace", id).isEqualTo(namespace);
        assertThat(alarm.get("MetricName")).as("%s metric", id).isEqualTo(metric);
        return alarm;
    }

    private static Map<String, Object> alarm(String id, String threshold) {
        assertThat(TEMPLATE.type(id)).isEqualTo("AWS::CloudWatch::Alarm");
        Map<String, Object> alarm = TEMPLATE.properties(id);
        assertThat(alarm.get("Threshold")).as("%s threshold", id).isEqualTo(new Intrinsic("Ref", threshold));
        assertThat(TEMPLATE.parameters()).as("the threshold of %s", id).containsKey(threshold);
        Object topic = new Intrinsic(
                "If",
                List.of(
                        "CreatesAlarmTopic",
                        new Intrinsic("Ref", "AlarmTopic"),
                        new Intrinsic("Ref", "AlarmTopicArn")));
        assertThat(alarm.get("AlarmActions")).as("%s notifies", id).isEqualTo(List.of(topic));
        assertThat(alarm.get("OKActions")).as("%s tells when it clears", id).isEqualTo(List.of(topic));
        return alarm;
    }

    private static List<Map<String, Object>> inlineStatements(String role) {
        List<Map<String, Object>> statements = new ArrayList<>();
        for (Object policy : SamTemplate.list(TEMPLATE.properties(role).getOrDefault("Policies", List.of()))) {
            for (Object statement :
                    SamTemplate.list(SamTemplate.map(SamTemplate.map(policy).get("PolicyDocument"))
                            .get("Statement"))) {
                statements.add(SamTemplate.map(statement));
            }
        }
        return statements;
    }

    /** Whether an IAM action pattern ({@code *} and {@code ?} wildcards, case-insensitive) covers {@code action}. */
    private static boolean grants(String pattern, String action) {
        String regex = Pattern.quote(pattern).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE).matcher(action).matches();
    }
}
