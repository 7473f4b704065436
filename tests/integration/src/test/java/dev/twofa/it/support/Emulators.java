package dev.twofa.it.support;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The AWS stand-ins for integration tests: one set per JVM, started on first use, stopped by a
 * shutdown hook.
 *
 * <ul>
 *   <li>Default (no Docker engine, as on CI): DynamoDB Local in-process on 127.0.0.1 for DynamoDB,
 *       and moto_server as a child process on 127.0.0.1 for KMS, SES and SNS.
 *   <li>With a Docker engine: one LocalStack container for all four.
 * </ul>
 *
 * <p>Choice: env {@code TWOFA_EMULATORS} (or system property {@code twofa.emulators}) = {@code
 * local}, {@code localstack} or {@code auto} (default: LocalStack when Docker answers, else
 * local). A missing emulator is an error, never a skip: the message says how to install it.
 *
 * <p>The client factories build a new client on each call (the caller owns and closes it).
 * Resources are shared by all test classes of the run, so tests use unique names (table names,
 * e-mail addresses, phone numbers) and filter what they read back.
 */
public final class Emulators {
    private static final String REGION = "eu-west-1";
    private static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    /** LocalStack's account for the access key "test". */
    private static final String LOCALSTACK_ACCOUNT = "000000000000";

    /** Which set of emulators is running. */
    public enum Kind {
        /** DynamoDB Local in-process + moto_server child process. */
        LOCAL,
        /** One LocalStack container. */
        LOCALSTACK
    }

    /**
     * An e-mail the emulator accepted. {@code body} is the Html part when one was sent, else the
     * Text part (moto keeps only that one; LocalStack's answer is reduced to the same rule).
     */
    public record SentEmail(String messageId, String source, List<String> toAddresses, String subject, String body) {}

    /** An SMS the emulator accepted (SNS Publish with PhoneNumber). */
    public record SentSms(String messageId, String phoneNumber, String message) {}

    private record Running(
            Kind kind,
            URI dynamoEndpoint,
            URI awsEndpoint,
            DynamoDbLocalServer dynamoDbLocal,
            MotoServer moto,
            LocalStackEmulator localStack) {
        void stop() {
            if (moto != null) {
                moto.stop();
            }
            if (dynamoDbLocal != null) {
                dynamoDbLocal.stop();
            }
            if (localStack != null) {
                localStack.stop();
            }
        }
    }

    private static final Object LOCK = new Object();
    private static Running running;
    private static RuntimeException startFailure;
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .proxy(HttpClient.Builder.NO_PROXY)
            .build();

    private Emulators() {}

    // ---- what is running, and where ----

    public static Kind kind() {
        return running().kind();
    }

    public static URI dynamoEndpoint() {
        return running().dynamoEndpoint();
    }

    /** moto_server or LocalStack: the endpoint for KMS, SES and SNS. */
    public static URI awsEndpoint() {
        return running().awsEndpoint();
    }

    public static String region() {
        return REGION;
    }

    /** Static dummy credentials "test"/"test". */
    public static AwsCredentialsProvider credentials() {
        return CREDENTIALS;
    }

    // ---- client factories (new client per call, caller closes) ----

    /**
     * A client builder aimed at an emulator (or at a dead port, to test outages): the test region,
     * the dummy credentials and the url-connection HTTP client, as every test client needs.
     */
    public static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> B at(URI endpoint, B builder) {
        builder.endpointOverride(endpoint).region(Region.of(REGION)).credentialsProvider(CREDENTIALS);
        builder.httpClientBuilder(UrlConnectionHttpClient.builder());
        return builder;
    }

    public static DynamoDbClient dynamo() {
        return at(dynamoEndpoint(), DynamoDbClient.builder()).build();
    }

    public static KmsClient kms() {
        return at(awsEndpoint(), KmsClient.builder()).build();
    }

    public static SesClient ses() {
        return at(awsEndpoint(), SesClient.builder()).build();
    }

    public static SnsClient sns() {
        return at(awsEndpoint(), SnsClient.builder()).build();
    }

    // ---- helpers ----

    /** Creates a symmetric encrypt/decrypt key and returns its key id. */
    public static String createKmsKey() {
        try (KmsClient kms = kms()) {
            return kms.createKey(r -> r.keySpec(KeySpec.SYMMETRIC_DEFAULT)
                            .keyUsage(KeyUsageType.ENCRYPT_DECRYPT)
                            .description("twofa integration test key"))
                    .keyMetadata()
                    .keyId();
        }
    }

    /** SES v1 VerifyEmailIdentity: moto rejects SendEmail from an unverified Source. */
    public static void verifySesIdentity(String email) {
        try (SesClient ses = ses()) {
            ses.verifyEmailIdentity(r -> r.emailAddress(email));
        }
    }

    /** Every e-mail sent with SES SendEmail so far in this run, oldest first. */
    public static List<SentEmail> sentEmails() {
        Running r = running();
        List<SentEmail> result = new ArrayList<>();
        if (r.kind() == Kind.LOCAL) {
            // moto: GET /moto-api/data.json -> {"ses": {"Message": [{id, source, subject, body,
            // destinations: {ToAddresses: [...]}}]}}
            Map<String, Object> ses =
                    map(getJson(r.awsEndpoint().resolve("/moto-api/data.json")).get("ses"));
            for (Object o : list(ses.get("Message"))) {
                Map<String, Object> m = map(o);
                result.add(new SentEmail(
                        str(m.get("id")),
                        str(m.get("source")),
                        strings(map(m.get("destinations")).get("ToAddresses")),
                        str(m.get("subject")),
                        str(m.get("body"))));
            }
        } else {
            // LocalStack: GET /_aws/ses -> {"messages": [{Id, Region, Source, Subject,
            // Destination: {ToAddresses}, Body: {text_part, html_part}}]}
            for (Object o : list(getJson(r.awsEndpoint().resolve("/_aws/ses")).get("messages"))) {
                Map<String, Object> m = map(o);
                Map<String, Object> body = map(m.get("Body"));
                String html = str(body.get("html_part"));
                result.add(new SentEmail(
                        str(m.get("Id")),
                        str(m.get("Source")),
                        strings(map(m.get("Destination")).get("ToAddresses")),
                        str(m.get("Subject")),
                        html != null ? html : str(body.get("text_part"))));
            }
        }
        return List.copyOf(result);
    }

    /** The e-mails sent so far whose To addresses include {@code address}. */
    public static List<SentEmail> sentEmailsTo(String address) {
        return sentEmails().stream()
                .filter(e -> e.toAddresses().contains(address))
                .toList();
    }

    /** Every SMS sent with SNS Publish(PhoneNumber) so far in this run, oldest first. */
    public static List<SentSms> sentSms() {
        Running r = running();
        List<SentSms> result = new ArrayList<>();
        if (r.kind() == Kind.LOCAL) {
            // moto: GET /moto-api/data.json -> {"sns": {"SMS": [{message_id, phone_number, message}]}}
            Map<String, Object> sns =
                    map(getJson(r.awsEndpoint().resolve("/moto-api/data.json")).get("sns"));
            for (Object o : list(sns.get("SMS"))) {
                Map<String, Object> m = map(o);
                result.add(new SentSms(str(m.get("message_id")), str(m.get("phone_number")), str(m.get("message"))));
            }
        } else {
            // LocalStack: GET /_aws/sns/sms-messages?region=..&accountId=.. ->
            // {"sms_messages": {"+1555...": [{PhoneNumber, MessageId, Message, ...}]}, "region": ..}
            URI uri = r.awsEndpoint()
                    .resolve("/_aws/sns/sms-messages?region=" + REGION + "&accountId=" + LOCALSTACK_ACCOUNT);
            Map<String, Object> byNumber = map(getJson(uri).get("sms_messages"));
            for (Object perNumber : byNumber.values()) {
                for (Object o : list(perNumber)) {
                    Map<String, Object> m = map(o);
                    result.add(new SentSms(str(m.get("MessageId")), str(m.get("PhoneNumber")), str(m.get("Message"))));
                }
            }
        }
        return List.copyOf(result);
    }

    /** The SMS sent so far to {@code phoneNumber}. */
    public static List<SentSms> sentSmsTo(String phoneNumber) {
        return sentSms().stream()
                .filter(s -> phoneNumber.equals(s.phoneNumber()))
                .toList();
    }

    // ---- lifecycle ----

    private static Running running() {
        synchronized (LOCK) {
            if (running != null) {
                return running;
            }
            if (startFailure != null) {
                throw new IllegalStateException(
                        "Emulators failed to start earlier in this run: " + startFailure.getMessage(), startFailure);
            }
            try {
                Running started = start();
                Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "twofa-emulators-stop"));
                running = started;
                return started;
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
        }
    }

    private static Running start() {
        String mode = setting("TWOFA_EMULATORS", "twofa.emulators");
        mode = mode == null ? "auto" : mode.trim().toLowerCase(Locale.ROOT);
        boolean useLocalStack =
                switch (mode) {
                    case "localstack" -> true;
                    case "local", "moto" -> false;
                    case "auto", "" -> LocalStackEmulator.dockerAvailable();
                    default ->
                        throw new IllegalStateException(
                                "TWOFA_EMULATORS=" + mode + ": expected auto, local or localstack");
                };
        if (useLocalStack) {
            LocalStackEmulator ls = LocalStackEmulator.start();
            return new Running(Kind.LOCALSTACK, ls.endpoint(), ls.endpoint(), null, null, ls);
        }
        Path root = repoRoot();
        // Look for moto_server first: a missing install fails fast, before anything starts.
        MotoServer.locate(root);
        DynamoDbLocalServer dynamo = DynamoDbLocalServer.start();
        try {
            MotoServer moto = MotoServer.start(root);
            return new Running(Kind.LOCAL, dynamo.endpoint(), moto.endpoint(), dynamo, moto, null);
        } catch (RuntimeException e) {
            dynamo.stop();
            throw e;
        }
    }

    /** The repository root: system property twofa.repoRoot (set by the pom), else found upwards. */
    static Path repoRoot() {
        String prop = System.getProperty("twofa.repoRoot");
        if (prop != null && !prop.isBlank() && !prop.startsWith("${")) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("scripts"))) {
                return p;
            }
        }
        return dir;
    }

    /** An environment variable, else a system property of the same meaning; null when neither. */
    static String setting(String env, String property) {
        String value = System.getenv(env);
        if (value == null || value.isBlank()) {
            value = System.getProperty(property);
        }
        return value == null || value.isBlank() || value.startsWith("${") ? null : value;
    }

    // ---- JSON over HTTP, for the inspection endpoints ----

    private static Map<String, Object> getJson(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "GET " + uri + " answered HTTP " + response.statusCode() + ": " + response.body());
            }
            return JSON.std.mapFrom(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during GET " + uri, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    private static List<String> strings(Object o) {
        return list(o).stream().map(String::valueOf).toList();
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
