package dev.twofa.domain.audit;

import dev.twofa.domain.device.DeviceNames;
import java.util.Optional;

/**
 * The browser and operating system a stored User-Agent header names, for the activity feed's
 * "Chrome on macOS", by the same small parser that names remembered devices ({@link DeviceNames}):
 * the families that cover nearly all traffic, anything else unknown rather than guessed. The header
 * is the client's word: a hint for the user, never a security decision.
 *
 * @param browser e.g. "Chrome", "Firefox", "Safari", "Edge"; empty when not recognised
 * @param os e.g. "Windows", "macOS", "iOS", "Android", "Linux"; empty when not recognised
 */
public record UserAgent(Optional<String> browser, Optional<String> os) {
    /** Headers longer than this are not looked into (API Gateway passes at most a few KB). */
    static final int MAX_LENGTH = 1024;

    public static UserAgent parse(String header) {
        if (header == null || header.isBlank() || header.length() > MAX_LENGTH) {
            return new UserAgent(Optional.empty(), Optional.empty());
        }
        return new UserAgent(DeviceNames.browserOf(header), DeviceNames.systemOf(header));
    }
}
