package dev.twofa.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * What code printed while it ran: outside Lambda the runtime's logger, and so the functions' log,
 * prints to stdout. Not for tests that run in parallel with others printing.
 */
public final class Stdout {
    private Stdout() {}

    /** An action's result and what it printed. */
    public record Captured<T>(T result, String printed) {}

    /** What {@code action} printed. */
    public static String of(Runnable action) {
        return capture(() -> {
                    action.run();
                    return null;
                })
                .printed();
    }

    /** What {@code action} returned and what it printed. */
    public static <T> Captured<T> capture(Supplier<T> action) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        T result;
        try {
            result = action.get();
        } finally {
            System.setOut(original);
        }
        return new Captured<>(result, captured.toString(StandardCharsets.UTF_8));
    }
}
