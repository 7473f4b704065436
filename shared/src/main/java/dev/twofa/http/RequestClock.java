package dev.twofa.http;

import java.time.Duration;
import java.util.Optional;

/**
 * When the request on this thread started ({@link Http#handle} marks it), so that a dependency call
 * can tell whether it still fits in the request's time budget. Lambda runs one request at a time per
 * instance; the local run, one per thread. Empty outside a request (init, priming, tests calling a
 * use case directly).
 */
public final class RequestClock {
    private static final ThreadLocal<Long> STARTED = new ThreadLocal<>();

    private RequestClock() {}

    static void start() {
        STARTED.set(System.nanoTime());
    }

    static void clear() {
        STARTED.remove();
    }

    /** How long the request on this thread has run; empty outside a request. */
    public static Optional<Duration> elapsed() {
        Long started = STARTED.get();
        return started == null ? Optional.empty() : Optional.of(Duration.ofNanos(System.nanoTime() - started));
    }
}
