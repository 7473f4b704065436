package dev.twofa.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an independent command-line oracle (oathtool, zbarimg). scripts/test installs them; a
 * missing one fails the test with the install hint, it never skips.
 */
public final class Tool {
    private Tool() {}

    public static String run(String command, String... args) {
        Path executable = find(command);
        List<String> argv = new ArrayList<>();
        argv.add(executable.toString());
        argv.addAll(List.of(args));
        try {
            // stdout is the answer; stderr (zbarimg complains about D-Bus in containers) goes to a file.
            Path errors = Files.createTempFile("twofa-tool-", ".err");
            Process process =
                    new ProcessBuilder(argv).redirectError(errors.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish in 30 s");
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            String err = Files.readString(errors);
            Files.deleteIfExists(errors);
            if (process.exitValue() != 0) {
                throw new AssertionError(command + " exited " + process.exitValue() + ": " + out + "\n" + err);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Path find(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(command + " is not installed. scripts/test installs it on Debian/Ubuntu"
                + " (apt-get install oathtool zbar-tools); on macOS: brew install oath-toolkit zbar.");
    }
}
