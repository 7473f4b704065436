package dev.twofa.it.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofa.config.Config;
import dev.twofa.it.deployment.SamTemplate.Intrinsic;
import dev.twofa.wiring.AwsAdapters;
import dev.twofa.wiring.Wiring;
import java.lang.reflect.Constructor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void function_initialisesFromItsTemplateEnvironment(SamTemplate.Function f) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", "eu-west-1"); // Lambda sets it
        f.environment().forEach((name, value) -> env.put(name, resolve(value)));
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

    /** A value as CloudFormation would pass it: parameter defaults, and stand-ins for resources. */
    private static String resolve(Object value) {
        if (value instanceof Intrinsic i && i.tag().equals("Ref")) {
            String name = (String) i.value();
            return TEMPLATE.parameterDefault(name).orElse("resource-" + name);
        }
        if (value instanceof Intrinsic i) {
            return "resolved-" + i.tag();
        }
        return String.valueOf(value);
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
                Object principalArn = SamTemplate.map(condition.getOrDefault("ArnLike", Map.of()))
                        .get("aws:PrincipalArn");
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
    void outputs_nameTheApiUrl_table_andKeys() {
        assertThat(TEMPLATE.outputs()).containsKeys("ApiUrl", "TableName", "SecretsKeyArn", "CodeHashKeyArn");
    }
}
