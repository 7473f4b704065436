package dev.twofa.it.deployment;

import dev.twofa.it.deployment.SamTemplate.Intrinsic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.EncryptRequest;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyRequest;
import software.amazon.awssdk.services.kms.model.GenerateMacRequest;
import software.amazon.awssdk.services.kms.model.GetPublicKeyRequest;
import software.amazon.awssdk.services.kms.model.SignRequest;
import software.amazon.awssdk.services.ses.model.SendEmailRequest;

/**
 * The AWS calls a handler made, as the IAM actions they need (a DynamoDB transaction is authorised
 * per item: PutItem, UpdateItem, DeleteItem, ConditionCheckItem), and whether a function's role in
 * template.yaml allows each one: right action, right resource, and the conditions (KMS encryption
 * context purpose and keys, MAC and signing algorithm; DynamoDB leading keys) satisfied by what was
 * actually sent.
 */
final class AwsCalls implements ExecutionInterceptor {
    /** The key condition of a Query on the partition key: {@code pk = :value}. */
    private static final Pattern PARTITION_CONDITION = Pattern.compile("\\bpk\\s*=\\s*(:\\w+)");

    /**
     * One authorisation: the action, the key or table it touched (test-side id), the request, and
     * for a DynamoDB item action the partition key value(s) it touched (IAM's dynamodb:LeadingKeys).
     */
    record Call(String action, String target, SdkRequest request, List<String> leadingKeys) {
        Call(String action, String target, SdkRequest request) {
            this(action, target, request, List.of());
        }

        @Override
        public String toString() {
            return action;
        }
    }

    private final List<SdkRequest> requests = new CopyOnWriteArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        requests.add(context.request());
    }

    static List<Call> actions(List<? extends SdkRequest> requests) {
        List<Call> calls = new ArrayList<>();
        for (SdkRequest request : requests) {
            String service = service(request);
            switch (request) {
                case TransactWriteItemsRequest tx -> {
                    for (TransactWriteItem item : tx.transactItems()) {
                        if (item.put() != null) {
                            calls.add(new Call(
                                    "dynamodb:PutItem",
                                    item.put().tableName(),
                                    request,
                                    partitionOf(item.put().item())));
                        }
                        if (item.update() != null) {
                            calls.add(new Call(
                                    "dynamodb:UpdateItem",
                                    item.update().tableName(),
                                    request,
                                    partitionOf(item.update().key())));
                        }
                        if (item.delete() != null) {
                            calls.add(new Call(
                                    "dynamodb:DeleteItem",
                                    item.delete().tableName(),
                                    request,
                                    partitionOf(item.delete().key())));
                        }
                        if (item.conditionCheck() != null) {
                            calls.add(new Call(
                                    "dynamodb:ConditionCheckItem",
                                    item.conditionCheck().tableName(),
                                    request,
                                    partitionOf(item.conditionCheck().key())));
                        }
                    }
                }
                case TransactGetItemsRequest tx ->
                    tx.transactItems()
                            .forEach(i -> calls.add(new Call(
                                    "dynamodb:GetItem",
                                    i.get().tableName(),
                                    request,
                                    partitionOf(i.get().key()))));
                case GetItemRequest r ->
                    calls.add(new Call("dynamodb:GetItem", r.tableName(), request, partitionOf(r.key())));
                case PutItemRequest r ->
                    calls.add(new Call("dynamodb:PutItem", r.tableName(), request, partitionOf(r.item())));
                case UpdateItemRequest r ->
                    calls.add(new Call("dynamodb:UpdateItem", r.tableName(), request, partitionOf(r.key())));
                case DeleteItemRequest r ->
                    calls.add(new Call("dynamodb:DeleteItem", r.tableName(), request, partitionOf(r.key())));
                case QueryRequest r -> calls.add(new Call("dynamodb:Query", r.tableName(), request, partitionOf(r)));
                case EncryptRequest r -> calls.add(new Call("kms:Encrypt", r.keyId(), request));
                case DecryptRequest r -> calls.add(new Call("kms:Decrypt", r.keyId(), request));
                case GenerateMacRequest r -> calls.add(new Call("kms:GenerateMac", r.keyId(), request));
                case GenerateDataKeyRequest r -> calls.add(new Call("kms:GenerateDataKey", r.keyId(), request));
                case SignRequest r -> calls.add(new Call("kms:Sign", r.keyId(), request));
                case GetPublicKeyRequest r -> calls.add(new Call("kms:GetPublicKey", r.keyId(), request));
                default -> {
                    String operation = request.getClass().getSimpleName().replaceFirst("Request$", "");
                    String target =
                            request.getValueForField("TableName", String.class).orElse(null);
                    calls.add(new Call(service + ":" + operation, target, request));
                }
            }
        }
        return calls;
    }

    List<Call> actions() {
        return actions(requests);
    }

    private static List<String> partitionOf(Map<String, AttributeValue> key) {
        AttributeValue pk = key == null ? null : key.get("pk");
        return pk == null || pk.s() == null ? List.of() : List.of(pk.s());
    }

    /** A Query reads one partition: the value its key condition binds to {@code pk}. */
    private static List<String> partitionOf(QueryRequest query) {
        Matcher m = PARTITION_CONDITION.matcher(String.valueOf(query.keyConditionExpression()));
        if (!m.find() || !query.hasExpressionAttributeValues()) {
            return List.of();
        }
        AttributeValue pk = query.expressionAttributeValues().get(m.group(1));
        return pk == null || pk.s() == null ? List.of() : List.of(pk.s());
    }

    private static String service(SdkRequest request) {
        String pkg = request.getClass().getPackageName(); // software.amazon.awssdk.services.<svc>.model
        String[] parts = pkg.split("\\.");
        return parts[parts.length - 2];
    }

    /**
     * Null if {@code statements} allow {@code call} on {@code resource} (a template logical id, or
     * null for actions without a resource ARN), else why not.
     */
    static String denial(Call call, String resource, List<Map<String, Object>> statements) {
        boolean allowed = false;
        List<String> near = new ArrayList<>();
        for (Map<String, Object> statement : statements) {
            if (!matchesAction(statement, call.action())) {
                continue;
            }
            boolean resourceMatches = matchesResource(statement, resource);
            if ("Deny".equals(statement.get("Effect"))) {
                if (resourceMatches
                        && SamTemplate.list(statement.get("Resource")).contains("*")) {
                    return "denied by " + statement.get("Sid");
                }
                continue;
            }
            if (!resourceMatches) {
                near.add(statement.get("Sid") + " (other resource)");
                continue;
            }
            String unmet = unmetCondition(statement, call);
            if (unmet != null) {
                near.add(statement.get("Sid") + " (" + unmet + ")");
                continue;
            }
            allowed = true;
        }
        return allowed ? null : "no statement allows it" + (near.isEmpty() ? "" : "; close: " + near);
    }

    private static boolean matchesAction(Map<String, Object> statement, String action) {
        for (Object a : SamTemplate.list(statement.get("Action"))) {
            String pattern = ((String) a).replace("*", ".*");
            if (action.matches("(?i)" + pattern)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesResource(Map<String, Object> statement, String resource) {
        for (Object r : SamTemplate.list(statement.get("Resource"))) {
            if ("*".equals(r) || resource == null) {
                // No resource the test can name (SES identities): the statement's own ARN pattern decides.
                return true;
            }
            if (resource != null && r instanceof Intrinsic i && i.isGetAttArnOf(resource)) {
                return true;
            }
        }
        return false;
    }

    /** IAM's StringLike: {@code *} any run of characters, {@code ?} one character, the rest literal. */
    static boolean globMatches(String pattern, String value) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return value.matches(regex.toString());
    }

    /** The conditions this project uses, checked against the request actually sent. */
    private static String unmetCondition(Map<String, Object> statement, Call call) {
        Map<String, Object> condition = SamTemplate.map(statement.getOrDefault("Condition", Map.of()));
        Map<String, String> context =
                switch (call.request()) {
                    case EncryptRequest r -> r.encryptionContext();
                    case DecryptRequest r -> r.encryptionContext();
                    case GenerateDataKeyRequest r -> r.encryptionContext();
                    default -> Map.of();
                };
        for (var operator : condition.entrySet()) {
            for (var entry : SamTemplate.map(operator.getValue()).entrySet()) {
                String key = entry.getKey();
                List<String> values = SamTemplate.list(entry.getValue()).stream()
                        .map(String::valueOf)
                        .toList();
                String op = operator.getKey();
                if (key.startsWith("kms:EncryptionContext:") && op.equals("StringEquals")) {
                    String actual = context.get(key.substring("kms:EncryptionContext:".length()));
                    if (!values.contains(actual)) {
                        return key + " is " + actual + ", allowed " + values;
                    }
                } else if (key.equals("kms:EncryptionContextKeys") && op.equals("ForAllValues:StringEquals")) {
                    if (!values.containsAll(context.keySet())) {
                        return "encryption context keys " + context.keySet() + " not within " + values;
                    }
                } else if (key.startsWith("kms:EncryptionContext:") && op.equals("Null")) {
                    boolean mustExist = values.equals(List.of("false"));
                    if (mustExist && !context.containsKey(key.substring("kms:EncryptionContext:".length()))) {
                        return key + " missing";
                    }
                } else if (key.equals("kms:MacAlgorithm") && op.equals("StringEquals")) {
                    String actual = call.request() instanceof GenerateMacRequest r ? r.macAlgorithmAsString() : null;
                    if (!values.contains(actual)) {
                        return key + " is " + actual + ", allowed " + values;
                    }
                } else if (key.equals("kms:SigningAlgorithm") && op.equals("StringEquals")) {
                    String actual = call.request() instanceof SignRequest r ? r.signingAlgorithmAsString() : null;
                    if (!values.contains(actual)) {
                        return key + " is " + actual + ", allowed " + values;
                    }
                } else if (key.equals("dynamodb:LeadingKeys") && op.equals("ForAllValues:StringLike")) {
                    if (call.leadingKeys().isEmpty()) {
                        return key + " of " + call.action() + " not known to this test";
                    }
                    for (String leading : call.leadingKeys()) {
                        if (values.stream().noneMatch(pattern -> globMatches(pattern, leading))) {
                            return key + " " + leading + " not within " + values;
                        }
                    }
                } else if (key.equals("ses:FromAddress")) {
                    // Checked against the function's SENDER_EMAIL by the caller (a parameter here).
                    if (!(call.request() instanceof SendEmailRequest)) {
                        return key + " on a call that is not SendEmail";
                    }
                } else {
                    return "condition " + op + " " + key + " is not understood by this test";
                }
            }
        }
        return null;
    }
}
