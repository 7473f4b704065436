package dev.twofa.it.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * template.yaml and samconfig.toml through the tools operators use: cfn-lint and the SAM CLI
 * (`sam local` needs Docker, which these machines lack; EventsInvokeIT proves its inputs instead).
 */
class SamToolsIT {
    @TempDir
    Path temp;

    @Test
    void cfnLint_findsNoErrorOrWarning() {
        SamTools.Result result = SamTools.run(
                Duration.ofMinutes(3), SamTools.command(SamTools.tool("cfn-lint", "CFN_LINT_BIN"), "template.yaml"));
        System.out.printf(
                "cfn-lint template.yaml: exit %d in %d ms, output: \"%s\"%n",
                result.exitCode(), result.took().toMillis(), result.output().strip());
        assertThat(result.output().strip())
                .as("cfn-lint prints nothing for a clean template")
                .isEmpty();
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void samValidateLint_passes() {
        SamTools.Result result = SamTools.run(
                Duration.ofMinutes(3), SamTools.command(SamTools.tool("sam", "SAM_CLI_BIN"), "validate", "--lint"));
        System.out.printf(
                "sam validate --lint: exit %d in %d ms:%n%s%n",
                result.exitCode(), result.took().toMillis(), result.output().strip());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("template.yaml is a valid SAM Template");
        assertThat(result.output().lines().filter(l -> l.matches(".*\\b[EW]\\d{4}\\b.*")))
                .as("no cfn-lint errors or warnings")
                .isEmpty();
    }

    /**
     * `sam build` as an operator runs it (build_in_source from samconfig.toml, each function's
     * Makefile), into a temporary directory so no .aws-sam/ is left in the repository.
     */
    @Test
    void samBuild_packagesEveryFunction_withItsHandlerClass() throws IOException {
        boolean samDirBefore = Files.exists(Repo.root().resolve(".aws-sam"));
        Path build = temp.resolve("build");
        SamTools.Result result = SamTools.run(
                Duration.ofMinutes(20),
                SamTools.command(
                        SamTools.tool("sam", "SAM_CLI_BIN"),
                        "build",
                        "--template",
                        "template.yaml",
                        "--build-dir",
                        build.toString(),
                        "--cache-dir",
                        temp.resolve("cache").toString()));
        System.out.printf(
                "sam build: exit %d in %d s; last lines:%n%s%n",
                result.exitCode(),
                result.took().toSeconds(),
                String.join(
                        "\n",
                        result.output()
                                .strip()
                                .lines()
                                .toList()
                                .subList(
                                        Math.max(
                                                0,
                                                (int) result.output()
                                                                .strip()
                                                                .lines()
                                                                .count()
                                                        - 12),
                                        (int) result.output().strip().lines().count())));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("Build Succeeded");

        for (SamTemplate.Function function : SamTemplate.ofRepo().functions()) {
            Path artifact = build.resolve(function.logicalId());
            String handler = function.handlerClass().replace('.', '/') + ".class";
            assertThat(artifact.resolve(handler))
                    .as(
                            "%s's artifact holds its handler %s at the root, as the Java runtime loads it",
                            function.logicalId(), handler)
                    .isRegularFile();
            long bytes;
            try (Stream<Path> files = Files.walk(artifact)) {
                bytes = files.filter(Files::isRegularFile)
                        .mapToLong(p -> p.toFile().length())
                        .sum();
            }
            System.out.printf("  %-28s %,12d bytes unpacked%n", function.logicalId(), bytes);
            // Lambda's limit for an unzipped deployment package.
            assertThat(bytes).isLessThan(250L * 1024 * 1024);
        }
        assertThat(build.resolve("template.yaml")).isRegularFile();
        if (!samDirBefore) {
            assertThat(Repo.root().resolve(".aws-sam"))
                    .as("built outside the repository")
                    .doesNotExist();
        }
    }

    /** Both documented paths: `sam deploy --guided` (default) and `sam deploy --config-env prod`. */
    @Test
    @SuppressWarnings("unchecked")
    void samConfig_hasDefaultAndProd_withParametersTheTemplateDeclares() throws IOException {
        Path python = SamTools.tool("sam", "SAM_CLI_BIN").resolveSibling("python");
        SamTools.Result result = SamTools.run(
                Duration.ofMinutes(1),
                SamTools.command(
                        python,
                        "-c",
                        "import json,tomllib;print(json.dumps(tomllib.load(open('samconfig.toml','rb'))))"));
        assertThat(result.exitCode()).as(result.output()).isZero();
        Map<String, Object> config = JSON.std.mapFrom(result.output());
        Map<String, Object> parameters = SamTemplate.ofRepo().parameters();
        for (String env : List.of("default", "prod")) {
            Map<String, Object> environment = (Map<String, Object>) config.get(env);
            assertThat(environment).as("samconfig.toml [%s]", env).isNotNull();
            Map<String, Object> build = parameters(environment, "build");
            assertThat(build).as("[%s.build.parameters]", env).containsEntry("build_in_source", true);
            Map<String, Object> deploy = parameters(environment, "deploy");
            assertThat(deploy.get("capabilities").toString()).contains("CAPABILITY_IAM");
            assertThat(deploy).containsEntry("confirm_changeset", true);
            Map<String, Object> global = parameters(environment, "global");
            assertThat(global).containsKey("stack_name");
            Object overrides = deploy.getOrDefault("parameter_overrides", List.of());
            List<String> pairs = overrides instanceof List<?> l
                    ? (List<String>) l
                    : List.of(((String) overrides).split(" (?=[A-Za-z0-9]+=)"));
            for (String pair : pairs) {
                assertThat(parameters)
                        .as("[%s] parameter_overrides %s names a template parameter", env, pair)
                        .containsKey(pair.substring(0, pair.indexOf('=')));
            }
            Map<String, String> byName = new LinkedHashMap<>();
            pairs.forEach(
                    pair -> byName.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1)));
            assertThat(SamConfig.parameterOverrides(env))
                    .as("[%s] parameter_overrides as the tests' own reader (SamConfig) sees them", env)
                    .isEqualTo(byName);
            // A parameter without a default (SmsAllowedCountries) is one `sam deploy --guided` asks for; each
            // environment names its value, so `sam deploy` (and `--config-env prod`) deploys without asking.
            for (var parameter : parameters.entrySet()) {
                if (!SamTemplate.map(parameter.getValue()).containsKey("Default")) {
                    assertThat(byName)
                            .as("[%s] parameter_overrides gives %s, which has no default", env, parameter.getKey())
                            .containsKey(parameter.getKey());
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parameters(Map<String, Object> environment, String command) {
        Map<String, Object> section = (Map<String, Object>) environment.getOrDefault(command, Map.of());
        return (Map<String, Object>) section.getOrDefault("parameters", Map.of());
    }
}
