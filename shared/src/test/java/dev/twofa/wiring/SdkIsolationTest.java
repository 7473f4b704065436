package dev.twofa.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A function's jar ships only the SDK clients its use case calls (FunctionJarsIT), so what every
 * function runs at init (the handler, Wiring, AwsAdapters) must never load a class of another SDK.
 * Today's bug was a lambda in AwsAdapters whose method returned {@code KmsClient}: creating it loaded
 * the class, and status, activity, support-reset, org-policy and jwks died at init on Lambda while
 * every test, on a class path with all SDKs, passed. Two checks: on the bytecode, which holds whatever
 * a JVM loads eagerly or lazily, and by running the adapters with the other SDKs missing.
 */
class SdkIsolationTest {
    private static final Path CLASSES = Path.of("target/classes");
    private static final Pattern SERVICE = Pattern.compile("software/amazon/awssdk/services/([a-z0-9]+)/");
    private static final Set<String> SERVICES = Set.of("dynamodb", "kms", "ses", "sns", "eventbridge");
    private static final Map<String, String> CONFIG = Map.of(
            "AWS_REGION", "eu-west-1",
            "TABLE_NAME", "twofa",
            "KMS_KEY_ID", "secrets-key",
            "MAC_KEY_ID", "mac-key",
            "ASSERTION_KEY_ID", "assertion-key",
            "SENDER_EMAIL", "no-reply@example.com");

    /** The classes that may name an SDK's classes, and which SDK: the adapters and their one factory per SDK. */
    private static String allowedService(String className) {
        if (className.startsWith("dev/twofa/aws/")) {
            return "one";
        }
        return switch (className) {
            case "dev/twofa/wiring/DynamoDbAdapters" -> "dynamodb";
            case "dev/twofa/wiring/KmsAdapters" -> "kms";
            case "dev/twofa/wiring/SesAdapters" -> "ses";
            case "dev/twofa/wiring/SnsAdapters" -> "sns";
            case "dev/twofa/wiring/EventBridgeAdapters" -> "eventbridge";
            default -> null;
        };
    }

    @Test
    void onlyTheAdaptersAndOneFactoryPerSdk_nameSdkClientClasses_eachOneSdkOnly() throws IOException {
        assertThat(CLASSES).as("compiled by the build before the tests").isDirectory();
        Map<String, Set<String>> named = new TreeMap<>();
        try (Stream<Path> files = Files.walk(CLASSES)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String className = CLASSES.relativize(file).toString().replace(File.separatorChar, '/');
                className = className.substring(0, className.length() - ".class".length());
                // The constant pool holds every class, field, method and generic signature a class names.
                Matcher m = SERVICE.matcher(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
                Set<String> services = new TreeSet<>();
                while (m.find()) {
                    services.add(m.group(1));
                }
                if (!services.isEmpty()) {
                    named.put(className.replaceAll("\\$.*", ""), services);
                }
            }
        }
        assertThat(named).as("classes that name SDK client classes").isNotEmpty();
        named.forEach((className, services) -> {
            String allowed = allowedService(className);
            assertThat(allowed)
                    .as(
                            "%s names %s: only dev.twofa.aws and the per-SDK factories of dev.twofa.wiring may",
                            className, services)
                    .isNotNull();
            assertThat(services)
                    .as("%s names the clients of several SDKs", className)
                    .hasSize(1);
            if (!allowed.equals("one")) {
                assertThat(services).as(className).containsExactly(allowed);
            }
        });
    }

    @Test
    void awsAdapters_build_withNoSdkClientAtAll() {
        try (var loader = new WithoutSdks(SERVICES)) {
            assertThatCode(() -> loader.run(loader::awsAdapters)).doesNotThrowAnyException();
        }
    }

    @ParameterizedTest(name = "{0} with only the {1} SDK(s), {2}")
    @CsvSource({
        "store, dynamodb, ''",
        "auditTrail, dynamodb, ''",
        // Logged, audited (the table) and published (EventBridge).
        "events, dynamodb eventbridge, ''",
        // Either mode reads both ciphertext formats: the envelope data key lives in the table.
        "cipher, dynamodb kms, ''",
        "cipher, dynamodb kms, SECRETS_ENCRYPTION=kms",
        "keyedHash, kms, ''",
        // Envelope signing reads public keys from the table; KMS only to unwrap, on the first signature.
        "assertionSigner, dynamodb, ''",
        "assertionSigner, kms, ASSERTION_SIGNING=kms",
        "mailer, ses, ''",
        "smsSender, sns, ''"
    })
    void eachAdapter_needsOnlyItsOwnSdks(String adapter, String services, String setting) throws Exception {
        Set<String> others = new TreeSet<>(SERVICES);
        others.removeAll(Set.of(services.split(" ")));
        Map<String, String> config = new TreeMap<>(CONFIG);
        if (!setting.isEmpty()) {
            config.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
        }
        try (var loader = new WithoutSdks(others, config)) {
            assertThatCode(() -> loader.run(() -> invoke(loader.awsAdapters(), adapter)))
                    .as("AwsAdapters.%s() without the %s SDKs", adapter, others)
                    .doesNotThrowAnyException();
        }
    }

    private interface Action {
        Object run() throws Throwable;
    }

    private static Object invoke(Object target, String method) throws Throwable {
        try {
            return target.getClass().getMethod(method).invoke(target);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * This module's class path without some SDK clients, in a loader of its own (as a lean function
     * jar): our classes and the SDK are loaded here, so they resolve what they name here too.
     */
    private static final class WithoutSdks extends URLClassLoader {
        private final Set<String> hidden;
        private final Map<String, String> config;

        WithoutSdks(Set<String> services) {
            this(services, CONFIG);
        }

        WithoutSdks(Set<String> services, Map<String, String> config) {
            super(classPath(), ClassLoader.getPlatformClassLoader());
            this.hidden = services;
            this.config = config;
        }

        /** A new AwsAdapters of this loader's world, on a configuration naming every resource. */
        Object awsAdapters() throws Throwable {
            Class<?> configType = loadClass("dev.twofa.config.Config");
            Object config = configType.getConstructor(Map.class).newInstance(this.config);
            try {
                return loadClass("dev.twofa.wiring.AwsAdapters")
                        .getConstructor(configType)
                        .newInstance(config);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        /** Runs {@code action} with this loader as the context class loader, which the SDK reads. */
        Object run(Action action) throws Throwable {
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(this);
            try {
                return action.run();
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            for (String service : hidden) {
                if (name.startsWith("software.amazon.awssdk.services." + service + ".")) {
                    throw new ClassNotFoundException(name + " (the " + service + " SDK is not in this jar)");
                }
            }
            return super.loadClass(name, resolve);
        }

        @Override
        public void close() {
            try {
                super.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private static URL[] classPath() {
            return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                    .map(entry -> {
                        try {
                            return Path.of(entry).toUri().toURL();
                        } catch (MalformedURLException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .toArray(URL[]::new);
        }
    }
}
