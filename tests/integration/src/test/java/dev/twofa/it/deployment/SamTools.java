package dev.twofa.it.deployment;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The operators' tools, from .venv-sam/ and .venv-scan/ (scripts/lib/common.sh ensure_sam_tools,
 * ensure_scan_tools), run from the repository root. A missing tool fails the test with the way to install it; it never skips.
 */
final class SamTools {
    record Result(int exitCode, String output, Duration took) {}

    private SamTools() {}

    static Path tool(String name, String variable) {
        String fromEnv = System.getenv(variable);
        if (fromEnv != null && !fromEnv.isBlank() && Files.isExecutable(Path.of(fromEnv))) {
            return Path.of(fromEnv);
        }
        for (String venv : List.of(".venv-sam", ".venv-scan")) {
            Path installed = Repo.root().resolve(venv).resolve("bin").resolve(name);
            if (Files.isExecutable(installed)) {
                return installed;
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(name + " is not installed. scripts/test installs it into .venv-sam/ or"
                + " .venv-scan/ (ensure_sam_tools, ensure_scan_tools in scripts/lib/common.sh, pinned versions);"
                + " or set " + variable + ".");
    }

    static Result run(Duration timeout, List<String> command) {
        try {
            Path log = Files.createTempFile("twofa-sam-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(Repo.root().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            // No telemetry, no update check, no prompt: CI has no stdin and no network beyond registries.
            builder.environment().put("SAM_CLI_TELEMETRY", "0");
            builder.environment().put("SAM_CLI_DISABLE_UPDATE_CHECK", "1");
            builder.environment().put("CI", "true");
            long start = System.nanoTime();
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError(
                        String.join(" ", command) + " did not finish in " + timeout + ":\n" + Files.readString(log));
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.deleteIfExists(log);
            return new Result(process.exitValue(), output, Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static List<String> command(Path tool, String... args) {
        List<String> command = new ArrayList<>();
        command.add(tool.toString());
        command.addAll(List.of(args));
        return command;
    }
}
