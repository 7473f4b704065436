package dev.twofa.it.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * "Adding a function" (docs/architecture.md): every function has every place it needs, and the
 * check names what is missing. The self-tests run the same check on a copy of the repository with
 * one place taken away each, and expect exactly that place named.
 */
class FunctionChecklistIT {
    @Test
    void everyFunction_hasEveryPlaceItNeeds() {
        assertThat(FunctionChecklist.missing(Repo.root())).isEmpty();
    }

    /** A mutation of the copied repository, and exactly what the check must then report. */
    @FunctionalInterface
    interface Mutation {
        void apply(Path root) throws IOException;
    }

    static Stream<Arguments> mutations() {
        return Stream.of(
                Arguments.of(
                        "a new module and nothing else",
                        (Mutation) root -> {
                            Path pom = root.resolve("functions/hello/pom.xml");
                            Files.createDirectories(pom.getParent());
                            Files.writeString(pom, "<project><artifactId>twofa-fn-hello</artifactId></project>\n");
                        },
                        List.of(
                                "hello: not a <module> of functions/pom.xml",
                                "hello: tests/integration/pom.xml has no dependency on twofa-fn-hello",
                                "hello: tests/lambda/pom.xml has no dependency on twofa-fn-hello",
                                "hello: tools/local-run/pom.xml has no dependency on twofa-fn-hello",
                                "hello: FunctionJarsIT (tests/integration, packaging) does not list it with the SDK"
                                        + " clients its jar may carry",
                                "hello: README.md's function table has no row for it",
                                "hello: no AWS::Serverless::Function in template.yaml has CodeUri functions/hello")),
                Arguments.of(
                        "the module not listed in functions/pom.xml",
                        (Mutation) root -> replace(root, "functions/pom.xml", "<module>status</module>", ""),
                        List.of("status: not a <module> of functions/pom.xml")),
                Arguments.of(
                        "a consumer pom without the module",
                        (Mutation) root -> replace(
                                root,
                                "tests/lambda/pom.xml",
                                "<artifactId>twofa-fn-activity</artifactId>",
                                "<artifactId>twofa-fn-activity-gone</artifactId>"),
                        List.of("activity: tests/lambda/pom.xml has no dependency on twofa-fn-activity")),
                Arguments.of(
                        "no row in the README's function table",
                        (Mutation) root -> replace(root, "README.md", "\n| status | `GET", "\n| GET"),
                        List.of("status: README.md's function table has no row for it")),
                Arguments.of(
                        "no Makefile",
                        (Mutation) root -> Files.delete(root.resolve("functions/sms-send/Makefile")),
                        List.of("sms-send: functions/sms-send/Makefile needs target build-SmsSendFunction calling"
                                + " scripts/sam-build-function sms-send")),
                Arguments.of(
                        "no handler source",
                        (Mutation)
                                root -> Files.delete(
                                        root.resolve(
                                                "functions/org-policy/src/main/java/dev/twofa/functions/orgpolicy/OrgPolicyHandler.java")),
                        List.of("org-policy: handler dev.twofa.functions.orgpolicy.OrgPolicyHandler (template.yaml's"
                                + " Handler) is not in functions/org-policy/src/main/java")),
                Arguments.of(
                        "a handler whose use case Wiring does not build",
                        (Mutation) root -> replace(
                                root,
                                "template.yaml",
                                "dev.twofa.functions.orgpolicy.OrgPolicyHandler::",
                                UnwiredHandler.class.getName() + "::"),
                        List.of(
                                "org-policy: handler " + UnwiredHandler.class.getName()
                                        + " (template.yaml's Handler) is not in functions/org-policy/src/main/java",
                                "org-policy: Wiring builds no StringBuilder (the use case UnwiredHandler takes): no use"
                                        + " case of type java.lang.StringBuilder")),
                Arguments.of(
                        "no role and no log group of its own",
                        (Mutation) root -> {
                            replace(root, "template.yaml", "Role: !GetAtt JwksRole.Arn", "Role: !GetAtt Gone.Arn");
                            replace(root, "template.yaml", "LogGroup: !Ref JwksLogGroup", "LogGroup: !Ref Gone");
                        },
                        List.of(
                                "jwks: JwksFunction needs Role: !GetAtt <its AWS::IAM::Role>.Arn in template.yaml,"
                                        + " not !GetAtt Gone.Arn",
                                "jwks: JwksFunction needs LoggingConfig.LogGroup: !Ref <its AWS::Logs::LogGroup> in"
                                        + " template.yaml, not !Ref Gone")),
                Arguments.of(
                        "the route missing from the OpenAPI document",
                        (Mutation) root ->
                                replace(root, "docs/openapi.yaml", "\n  /2fa/activity:\n", "\n  /2fa/activity-gone:\n"),
                        List.of("activity: GET /2fa/activity is missing from docs/openapi.yaml")),
                Arguments.of(
                        "no happy-path event",
                        (Mutation) root -> Files.delete(root.resolve("events/status-ok.json")),
                        List.of("status: no events/status-*.json with a 2xx entry in events/scenarios.json for GET"
                                + " /2fa/status")),
                Arguments.of(
                        "an event file the scenarios index does not list",
                        (Mutation) root -> replace(
                                root,
                                "events/scenarios.json",
                                "\n  \"activity-bad-limit.json\": { \"status\": 400, \"type\": \"invalid-request\","
                                        + " \"field\": \"limit\" },",
                                ""),
                        List.of("activity: events/activity-bad-limit.json has no entry in events/scenarios.json")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mutations")
    void aMissingPlace_isNamed(String what, Mutation mutation, List<String> expected, @TempDir Path copy)
            throws IOException {
        copyRepository(copy);
        assertThat(FunctionChecklist.missing(copy)).as("the unmutated copy").isEmpty();

        mutation.apply(copy);

        assertThat(FunctionChecklist.missing(copy)).as(what).containsExactlyInAnyOrderElementsOf(expected);
    }

    /** A handler whose injecting constructor takes a type no use case has. */
    public static final class UnwiredHandler {
        public UnwiredHandler(StringBuilder notAUseCase) {}
    }

    /** What the check reads: template, README, OpenAPI, events, the function modules, the consumer poms. */
    private static void copyRepository(Path copy) throws IOException {
        Path root = Repo.root();
        for (String file : List.of("template.yaml", "README.md", "docs/openapi.yaml")) {
            copyFile(root, copy, file);
        }
        for (String pom : FunctionChecklist.CONSUMER_POMS) {
            copyFile(root, copy, pom);
        }
        for (String dir : List.of("events", "functions")) {
            try (Stream<Path> files = Files.walk(root.resolve(dir))) {
                files.filter(Files::isRegularFile)
                        .map(root::relativize)
                        .filter(p -> !p.toString().contains("/target/"))
                        .forEach(p -> copyFile(root, copy, p.toString()));
            }
        }
    }

    private static void copyFile(Path from, Path to, String file) {
        try {
            Path target = to.resolve(file);
            Files.createDirectories(target.getParent());
            Files.copy(from.resolve(file), target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void replace(Path root, String file, String from, String to) throws IOException {
        Path path = root.resolve(file);
        String text = Files.readString(path);
        assertThat(text).as("%s contains %s", file, from).contains(from);
        Files.writeString(path, text.replace(from, to));
    }
}
