package dev.twofa.app;

import java.util.Map;

/**
 * Where security-relevant events go (replays, lockouts, integrity failures). Never passed a code,
 * secret or token: only the user id, an event name and non-secret details.
 */
public interface SecurityEvents {

    void record(String event, String userId, Map<String, String> details);

    default void record(String event, String userId) {
        record(event, userId, Map.of());
    }
}
