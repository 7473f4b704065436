package dev.twofa.domain.device;

import java.util.Locale;

/**
 * A remembered device's name for the user's list, from the user agent at registration: the browser
 * and the system ("Firefox on Windows"), never the raw header (it is the caller's text and may
 * carry anything).
 */
public final class DeviceNames {
    public static final String UNKNOWN = "Unknown browser";

    private DeviceNames() {}

    public static String fromUserAgent(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return UNKNOWN;
        }
        String ua = userAgent.toLowerCase(Locale.ROOT);
        String browser = browser(ua);
        String system = system(ua);
        if (browser == null && system == null) {
            return UNKNOWN;
        }
        if (browser == null) {
            return "Browser on " + system;
        }
        return system == null ? browser : browser + " on " + system;
    }

    /** The browser the header names ("Firefox"), if it is one this class knows; also for the activity feed. */
    public static java.util.Optional<String> browserOf(String userAgent) {
        return userAgent == null
                ? java.util.Optional.empty()
                : java.util.Optional.ofNullable(browser(userAgent.toLowerCase(Locale.ROOT)));
    }

    /** The operating system the header names ("Windows"), if it is one this class knows. */
    public static java.util.Optional<String> systemOf(String userAgent) {
        return userAgent == null
                ? java.util.Optional.empty()
                : java.util.Optional.ofNullable(system(userAgent.toLowerCase(Locale.ROOT)));
    }

    private static String browser(String ua) {
        if (ua.contains("edg/") || ua.contains("edga/") || ua.contains("edgios/")) {
            return "Edge";
        }
        if (ua.contains("opr/") || ua.contains("opera")) {
            return "Opera";
        }
        if (ua.contains("firefox/") || ua.contains("fxios/")) {
            return "Firefox";
        }
        if (ua.contains("chrome/") || ua.contains("chromium/") || ua.contains("crios/")) {
            return ua.contains("headlesschrome") ? "Headless Chrome" : "Chrome";
        }
        if (ua.contains("safari/")) {
            return "Safari";
        }
        return null;
    }

    private static String system(String ua) {
        if (ua.contains("iphone") || ua.contains("ipad") || ua.contains("ipod")) {
            return "iOS";
        }
        if (ua.contains("android")) {
            return "Android";
        }
        if (ua.contains("windows")) {
            return "Windows";
        }
        if (ua.contains("mac os x") || ua.contains("macintosh")) {
            return "macOS";
        }
        if (ua.contains("cros")) {
            return "ChromeOS";
        }
        if (ua.contains("linux")) {
            return "Linux";
        }
        return null;
    }
}
