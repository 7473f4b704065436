package dev.twofa.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.localrun.LocalRunFixture;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * schemathesis (PyPI, pinned in scripts/lib/common.sh) fuzzes the local run against
 * docs/openapi.yaml with a valid token for a user whose authenticator app is on (and the dev-only
 * operator header for the operator routes): examples, boundary ("coverage") cases and random
 * requests, schema-valid and schema-invalid, for every operation. Checks: no 5xx, each status
 * documented for its operation, its content type, headers and body as described, schema-invalid
 * requests refused, and (src/test/schemathesis/hooks.py) schema-valid requests never refused as
 * malformed. The run is bounded by time: {@value #DEFAULT_SECONDS} s by default; longer with
 * {@code -Dtwofa.fuzz.seconds=N} or {@code TWOFA_FUZZ_SECONDS=N}. The requests per operation and
 * their statuses are printed (from schemathesis's HAR report, kept in target/schemathesis/).
 */
class SchemathesisE2EIT {
    static final int DEFAULT_SECONDS = 120;
    private static final String INSTALL_HINT = "scripts/test installs the pinned schemathesis into"
            + " .venv-fuzz/ (scripts/lib/common.sh ensure_fuzz_tools) and exports SCHEMATHESIS_BIN";
    private static final String OPERATOR_ARN = "arn:aws:iam::000000000000:user/fuzz-operator";

    @RegisterExtension
    static final LocalRunFixture LOCAL = LocalRunFixture.withEnv(Map.of("SMS_SECONDS_BETWEEN_SENDS", "0"));

    private static LocalRunClient client;

    @BeforeAll
    static void start() {
        client = new LocalRunClient(LOCAL.baseUrl());
    }

    @Test
    void fuzzedRequests_getNo5xx_andEveryResponseIsOneTheSpecDescribes() throws Exception {
        Path bin = schemathesis();
        int seconds = Integer.parseInt(setting("twofa.fuzz.seconds", "TWOFA_FUZZ_SECONDS", "" + DEFAULT_SECONDS));
        Path reports = LocalRunFixture.repoRoot().resolve("tests/e2e/target/schemathesis");
        deleteTree(reports);

        // schemathesis seeds userId fields from the token's sub: the operator routes get a token of a
        // user of their own to reset (so the fuzzed user keeps the app on), in a run of their own.
        String user = "fuzz-" + UUID.randomUUID();
        String token = client.devToken(user, user + "@example.com");
        enableAuthenticatorApp(token, user + "@example.com");
        String target = "fuzz-reset-" + UUID.randomUUID();
        String targetToken = client.devToken(target, target + "@example.com");
        enableAuthenticatorApp(targetToken, target + "@example.com");

        int operatorSeconds = Math.max(10, seconds / 4);
        Fuzzed users = fuzz(
                bin,
                reports.resolve("user-routes"),
                seconds - operatorSeconds,
                List.of("--exclude-path-regex", "^/operator/", "--header", "Authorization: Bearer " + token));
        Fuzzed operators = fuzz(
                bin,
                reports.resolve("operator-routes"),
                operatorSeconds,
                List.of(
                        "--include-path-regex",
                        "^/operator/",
                        "--header",
                        "Authorization: Bearer " + targetToken,
                        "--header",
                        "X-Twofa-Dev-Caller-Arn: " + OPERATOR_ARN));

        Map<String, Map<Integer, Integer>> statuses = new TreeMap<>();
        for (Fuzzed fuzzed : List.of(users, operators)) {
            fuzzed.statuses()
                    .forEach((operation, byStatus) ->
                            byStatus.forEach((status, n) -> statuses.computeIfAbsent(operation, k -> new TreeMap<>())
                                    .merge(status, n, Integer::sum)));
        }
        printCounts(statuses, List.of(users, operators));

        for (Fuzzed fuzzed : List.of(users, operators)) {
            assertThat(fuzzed.exitCode()).as(fuzzed.output()).isZero();
            assertThat(fuzzed.report().get("failures")).as(fuzzed.output()).isEqualTo(List.of());
            assertThat(fuzzed.report().get("errors")).as(fuzzed.output()).isEqualTo(List.of());
        }
        // Every operation of the spec was fuzzed, and nothing answered 5xx.
        assertThat(statuses.keySet()).containsAll(specOperations());
        statuses.forEach((operation, byStatus) ->
                assertThat(byStatus.keySet()).as(operation).allMatch(status -> status < 500));
    }

    /** One schemathesis run: its exit code, its JSON report, the requests per operation and status. */
    record Fuzzed(
            int exitCode,
            String output,
            Map<String, Object> report,
            Map<String, Map<Integer, Integer>> statuses,
            long seconds) {}

    private static Fuzzed fuzz(Path bin, Path reports, int seconds, List<String> extra) throws Exception {
        Path hooks = LocalRunFixture.repoRoot().resolve("tests/e2e/src/test/schemathesis");
        Files.createDirectories(reports);
        Path output = reports.resolve("output.txt");
        List<String> command = new ArrayList<>(List.of(
                bin.toString(),
                "--no-color",
                "--config-file",
                hooks.resolve("schemathesis.toml").toString(),
                "run",
                LocalRunFixture.repoRoot().resolve("docs/openapi.yaml").toString(),
                "--url",
                LOCAL.baseUrl().toString(),
                "--checks",
                String.join(
                        ",",
                        "not_a_server_error",
                        "status_code_conformance",
                        "content_type_conformance",
                        "response_headers_conformance",
                        "response_schema_conformance",
                        "negative_data_rejection",
                        "valid_data_is_never_malformed"),
                "--max-time",
                Integer.toString(seconds),
                "--workers",
                "2",
                "--report",
                "json,har",
                "--report-dir",
                reports.toString(),
                "--output-truncate",
                "true"));
        command.addAll(extra);
        // In the reports' directory: schemathesis keeps a .schemathesis/ cache where it runs.
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(reports.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("SCHEMATHESIS_HOOKS", "hooks");
        builder.environment().put("PYTHONPATH", hooks.toString());
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        long started = System.nanoTime();
        Process process = builder.start();
        // The time budget plus generous room to start, shrink a failure and write the reports.
        if (!process.waitFor(seconds + 300L, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("schemathesis did not finish; its output: " + output);
        }
        long took = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        String text = tail(Files.readString(output, StandardCharsets.UTF_8));
        return new Fuzzed(
                process.exitValue(),
                text,
                JSON.std.mapFrom(Files.readString(onlyFile(reports, "json-"))),
                statusesPerOperation(onlyFile(reports, "har-")),
                took);
    }

    /** enable, activate, confirm: the fuzzed user has the app on, so proofs and sign-ins reach their checks. */
    private static void enableAuthenticatorApp(String token, String email) throws Exception {
        client.post("/2fa/totp/enable", token, null);
        String link = client.activationLink(email);
        String activationToken = link.substring(link.indexOf("#token=") + "#token=".length());
        Map<String, Object> activation = client.post("/2fa/totp/activate", token, Map.of("token", activationToken));
        String secret = ((String) activation.get("secret")).replace(" ", "");
        client.post("/2fa/totp/confirm", token, Map.of("code", Rfc6238.totp(secret, Rfc6238.stepWithTimeToSpare())));
    }

    /** Requests per operation ("POST /2fa/verify") and status, from the HAR report. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<Integer, Integer>> statusesPerOperation(Path har) throws IOException {
        Map<String, Object> log =
                (Map<String, Object>) JSON.std.mapFrom(Files.readString(har)).get("log");
        Map<String, Map<Integer, Integer>> counts = new TreeMap<>();
        for (Object e : (List<Object>) log.get("entries")) {
            Map<String, Object> entry = (Map<String, Object>) e;
            Map<String, Object> request = (Map<String, Object>) entry.get("request");
            Map<String, Object> response = (Map<String, Object>) entry.get("response");
            String path = URI.create((String) request.get("url")).getRawPath();
            int status = ((Number) response.get("status")).intValue();
            counts.computeIfAbsent(request.get("method") + " " + path, k -> new TreeMap<>())
                    .merge(status, 1, Integer::sum);
        }
        return counts;
    }

    /**
     * The numbers to quote: test cases and requests, and per operation of the spec its requests and
     * their statuses; requests with methods the spec does not list (schemathesis's
     * unsupported-method probes) on one line.
     */
    @SuppressWarnings("unchecked")
    private static void printCounts(Map<String, Map<Integer, Integer>> statuses, List<Fuzzed> runs) throws IOException {
        List<String> operations = specOperations();
        StringBuilder out = new StringBuilder();
        int cases = 0;
        long seconds = 0;
        for (Fuzzed fuzzed : runs) {
            cases += ((Number) ((Map<String, Object>) fuzzed.report().get("test_cases")).get("generated")).intValue();
            seconds += fuzzed.seconds();
        }
        int total = statuses.values().stream()
                .flatMap(m -> m.values().stream())
                .mapToInt(Integer::intValue)
                .sum();
        out.append(String.format(
                "schemathesis %s: %d test cases, %d requests in %d s (seeds %s)%n",
                runs.get(0).report().get("schemathesis_version"),
                cases,
                total,
                seconds,
                runs.stream().map(r -> String.valueOf(r.report().get("seed"))).toList()));
        Map<Integer, Integer> others = new TreeMap<>();
        int otherCount = 0;
        for (var entry : statuses.entrySet()) {
            int n = entry.getValue().values().stream()
                    .mapToInt(Integer::intValue)
                    .sum();
            if (operations.contains(entry.getKey())) {
                out.append(String.format("  %-40s %6d  %s%n", entry.getKey(), n, entry.getValue()));
            } else {
                otherCount += n;
                entry.getValue().forEach((status, k) -> others.merge(status, k, Integer::sum));
            }
        }
        out.append(String.format("  %-40s %6d  %s%n", "(methods the spec does not list)", otherCount, others));
        System.out.print(out);
    }

    /** "POST /2fa/verify" for each operation of docs/openapi.yaml (paths at two spaces, methods at four). */
    private static List<String> specOperations() throws IOException {
        List<String> operations = new ArrayList<>();
        String path = null;
        for (String line : Files.readAllLines(LocalRunFixture.repoRoot().resolve("docs/openapi.yaml"))) {
            Matcher p = Pattern.compile("^  (/\\S*):\\s*$").matcher(line);
            Matcher m =
                    Pattern.compile("^    (get|put|post|delete|patch):\\s*$").matcher(line);
            if (p.matches()) {
                path = p.group(1);
            } else if (line.matches("^\\S.*")) {
                path = null;
            } else if (path != null && m.matches()) {
                operations.add(m.group(1).toUpperCase(java.util.Locale.ROOT) + " " + path);
            }
        }
        assertThat(operations).hasSizeGreaterThan(10);
        return operations;
    }

    private static Path onlyFile(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .toList();
            assertThat(found).as("one " + prefix + "* report in " + dir).hasSize(1);
            return found.get(0);
        }
    }

    /** schemathesis at $SCHEMATHESIS_BIN, else .venv-fuzz/bin/schemathesis; its absence fails the test. */
    private static Path schemathesis() {
        String configured = setting("twofa.schemathesisBin", "SCHEMATHESIS_BIN", null);
        Path bin = configured != null
                ? Path.of(configured)
                : LocalRunFixture.repoRoot().resolve(".venv-fuzz/bin/schemathesis");
        if (!Files.isExecutable(bin)) {
            throw new AssertionError("schemathesis not found at " + bin + ". " + INSTALL_HINT);
        }
        return bin;
    }

    private static String setting(String property, String env, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static String tail(String text) {
        Matcher summary =
                Pattern.compile("(?s)(={5,} (FAILURES|ERRORS) ={5,}.*)").matcher(text);
        String part = summary.find() ? summary.group(1) : text;
        return part.length() > 20_000 ? part.substring(0, 20_000) + "\n..." : part;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
