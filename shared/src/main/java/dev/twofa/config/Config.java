package dev.twofa.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The environment, read once at init. A missing or malformed value fails there, with a message
 * naming the variable, rather than on the first request.
 */
public final class Config {
    private final Map<String, String> env;

    public Config(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static Config fromEnvironment() {
        return new Config(System.getenv());
    }

    /**
     * The process environment, read once on first use: for the few values read in static
     * initialisers (the organisation claim, whether we run inside Lambda). Everything else gets its
     * {@code Config} passed in by the wiring. No other class reads the environment (ArrowsTest).
     */
    public static Config environment() {
        return ProcessEnvironment.CONFIG;
    }

    private static final class ProcessEnvironment {
        static final Config CONFIG = fromEnvironment();
    }

    public String required(String name) {
        return optional(name).orElseThrow(() -> new ConfigException(name, "is not set"));
    }

    public Optional<String> optional(String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    public String orDefault(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    /** An absolute http(s) URL. */
    public URI url(String name) {
        String value = required(name);
        try {
            URI uri = new URI(value);
            if (!uri.isAbsolute()
                    || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
                throw new ConfigException(name, "must be an absolute http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(name, "must be an absolute http(s) URL");
        }
    }

    public Optional<URI> optionalUrl(String name) {
        return optional(name).map(v -> url(name));
    }

    public Duration seconds(String name, Duration fallback, Duration min, Duration max) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            Duration d = Duration.ofSeconds(Long.parseLong(value.get()));
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new ConfigException(
                        name, "must be between " + min.toSeconds() + " and " + max.toSeconds() + " seconds");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new ConfigException(name, "must be a whole number of seconds");
        }
    }

    public int integer(String name, int fallback, int min, int max) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.get());
            if (n < min || n > max) {
                throw new ConfigException(name, "must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(name, "must be a whole number");
        }
    }

    /** Comma-separated values, trimmed, empties dropped; empty when unset. */
    public java.util.List<String> list(String name) {
        return optional(name).stream()
                .flatMap(v -> java.util.Arrays.stream(v.split(",")))
                .map(String::strip)
                .filter(v -> !v.isEmpty())
                .toList();
    }

    /** Thrown at init; the message names the variable and never echoes its value. */
    public static final class ConfigException extends IllegalStateException {
        public ConfigException(String variable, String problem) {
            super("Environment variable " + variable + " " + problem);
        }
    }
}
