package dev.twofa.localrun;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The reference web client ({@code web/} beside template.yaml) served as the plain static files an
 * operator would host: {@code /} and {@code /activate} (the path of the activation link) are the
 * client's page, every other file by its own path. Only names made of letters, digits, {@code .},
 * {@code _} and {@code -} that do not start with a dot are looked up, and the file found must lie
 * inside the folder once symbolic links are followed, so no request reaches anything beside it
 * (the local cipher's key in {@code .local/}, the template, the sources).
 */
final class StaticSite {
    /**
     * Self only: the client loads nothing from elsewhere and runs no inline script or style; the QR
     * code arrives as a {@code data:} PNG inside the API's answer. The API is this origin in the
     * local run; an operator hosting the client apart from the API adds its origin to connect-src.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self';"
            + " frame-ancestors 'none'";

    /** Larger files are not part of a small static client; refusing them keeps memory bounded. */
    private static final long MAX_FILE_BYTES = 5L * 1024 * 1024;

    /** Segments never start with a dot (no "..", no hidden files); no percent-escapes, no backslash. */
    private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}){1,8}");

    private static final String PAGE = "index.html";

    /** The paths that answer with the client's page. */
    private static final Map<String, String> PAGES = Map.of("/", PAGE, "/activate", PAGE);

    /** Only these extensions are served, each with its type: anything else is not part of the client. */
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "json", "application/json",
            "txt", "text/plain; charset=utf-8",
            "png", "image/png",
            "svg", "image/svg+xml",
            "ico", "image/x-icon",
            "webmanifest", "application/manifest+json");

    /** A file to send. */
    record Asset(String name, String contentType, byte[] body) {
        boolean html() {
            return contentType.startsWith("text/html");
        }
    }

    private final Path root;

    private StaticSite(Path root) {
        this.root = root;
    }

    /** The site in {@code folder}, or empty when there is no such folder (the API is served alone). */
    static Optional<StaticSite> in(Path folder) {
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new StaticSite(folder.toRealPath()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + folder, e);
        }
    }

    Path root() {
        return root;
    }

    /** The file a GET of {@code rawPath} (as sent, still percent-encoded) answers with, if any. */
    Optional<Asset> find(String rawPath) throws IOException {
        String relative = PAGES.get(rawPath);
        if (relative == null) {
            if (!SAFE_PATH.matcher(rawPath).matches()) {
                return Optional.empty();
            }
            relative = rawPath.substring(1);
        }
        String type = TYPES.get(extension(relative));
        if (type == null) {
            return Optional.empty();
        }
        Path file = root.resolve(relative).normalize();
        if (!file.startsWith(root)) {
            return Optional.empty();
        }
        Path real;
        try {
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        // A symbolic link inside the folder must not lead out of it.
        if (!real.startsWith(root)
                || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)
                || Files.size(real) > MAX_FILE_BYTES) {
            return Optional.empty();
        }
        return Optional.of(new Asset(relative, type, Files.readAllBytes(real)));
    }

    /** Sends {@code asset} with the headers a hosted client should have; HEAD gets the headers only. */
    static int send(HttpExchange exchange, Asset asset, boolean head) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", asset.contentType());
        // The page holds codes and secrets while it is open: never keep it in a cache. The rest is
        // revalidated, so an edited file shows at the next load.
        headers.set("Cache-Control", asset.html() ? "no-store" : "no-cache");
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        // The activation link's token is in the fragment, which browsers never send; no-referrer
        // also keeps the page's address out of every request it makes.
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        if (head || asset.body().length == 0) {
            exchange.sendResponseHeaders(200, -1);
        } else {
            exchange.sendResponseHeaders(200, asset.body().length);
            exchange.getResponseBody().write(asset.body());
        }
        return 200;
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        int slash = name.lastIndexOf('/');
        return dot > slash ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }
}
