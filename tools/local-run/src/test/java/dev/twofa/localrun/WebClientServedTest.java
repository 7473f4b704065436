package dev.twofa.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The reference web client (web/ beside template.yaml) as the local run serves it. */
class WebClientServedTest {
    @RegisterExtension
    static final LocalRunFixture LOCAL = LocalRunFixture.withDefaults();

    /** The module index.html loads; it imports the others. */
    private static final String ENTRY_MODULE = "main.js";

    /** An import statement: from "import" at the start of a line to its semicolon. */
    private static final Pattern IMPORT_STATEMENT = Pattern.compile("^import\\b[^;]*;", Pattern.MULTILINE);

    /** The only form the client's imports take: named bindings from a module beside it. */
    private static final Pattern RELATIVE_IMPORT =
            Pattern.compile("import \\{[\\w\\s,$]+\\} from \"\\./([a-z][a-z0-9-]*\\.js)\";");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void rootAndActivationLinkPath_serveTheClientPage_withStrictHeaders() throws Exception {
        assertThat(LOCAL.run().webRoot())
                .contains(TemplateRoutesTest.repoTemplate()
                        .getParent()
                        .resolve("web")
                        .toRealPath());
        for (String path : List.of("/", "/activate")) {
            HttpResponse<String> page = get(path);

            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.headers().firstValue("content-type")).contains("text/html; charset=utf-8");
            assertThat(page.headers().firstValue("cache-control")).contains("no-store");
            assertThat(page.headers().firstValue("referrer-policy")).contains("no-referrer");
            assertThat(page.headers().firstValue("x-content-type-options")).contains("nosniff");
            assertThat(page.headers().firstValue("x-frame-options")).contains("DENY");
            assertThat(page.headers().firstValue("content-security-policy"))
                    .contains("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                            + " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
            // config.js, a classic script, runs before the module that starts the client; no inline script.
            assertThat(page.body())
                    .contains("<script src=\"config.js\" defer></script>\n<script type=\"module\" src=\"" + ENTRY_MODULE
                            + "\"></script>");
            assertThat(page.body()).doesNotContainPattern("<script(?![^>]*\\ssrc=)");
        }
    }

    @Test
    void scriptsAndStyles_haveTheirTypes_andAreRevalidated() throws Exception {
        for (var file : List.of(
                List.of("/" + ENTRY_MODULE, "text/javascript; charset=utf-8"),
                List.of("/config.js", "text/javascript; charset=utf-8"),
                List.of("/styles.css", "text/css; charset=utf-8"))) {
            HttpResponse<String> response = get(file.get(0));

            assertThat(response.statusCode()).as(file.get(0)).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).contains(file.get(1));
            assertThat(response.headers().firstValue("cache-control")).contains("no-cache");
            assertThat(response.headers().firstValue("x-content-type-options")).contains("nosniff");
        }
    }

    /**
     * Every module the client imports, followed from the entry module, is served as JavaScript (a
     * browser refuses a module of another type), is imported by a relative path (nothing from
     * another site), and no module imports one that imports it back. Every .js file in web/ besides
     * config.js is one of them: none is left over.
     */
    @Test
    void everyModule_isServedAsJavaScript_importedRelatively_andWithoutCycles() throws Exception {
        Map<String, List<String>> imports = new TreeMap<>();
        Deque<String> toRead = new ArrayDeque<>(List.of(ENTRY_MODULE));
        while (!toRead.isEmpty()) {
            String module = toRead.pop();
            if (imports.containsKey(module)) {
                continue;
            }
            HttpResponse<String> response = get("/" + module);
            assertThat(response.statusCode()).as(module).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type"))
                    .as(module)
                    .contains("text/javascript; charset=utf-8");
            assertThat(response.headers().firstValue("x-content-type-options")).contains("nosniff");
            List<String> statements = IMPORT_STATEMENT
                    .matcher(response.body())
                    .results()
                    .map(MatchResult::group)
                    .toList();
            List<String> targets = new ArrayList<>();
            for (String statement : statements) {
                Matcher relative = RELATIVE_IMPORT.matcher(statement);
                assertThat(relative.matches()).as("%s: %s", module, statement).isTrue();
                targets.add(relative.group(1));
            }
            imports.put(module, targets);
            toRead.addAll(targets);
        }

        try (Stream<Path> files = Files.list(LOCAL.run().webRoot().orElseThrow())) {
            assertThat(imports.keySet())
                    .containsExactlyInAnyOrderElementsOf(
                            files.map(file -> file.getFileName().toString())
                                    .filter(name -> name.endsWith(".js") && !name.equals("config.js"))
                                    .toList());
        }
        assertThat(cycleIn(imports)).isEmpty();
    }

    /** The first import cycle found, as the modules along it, else empty. */
    private static List<String> cycleIn(Map<String, List<String>> imports) {
        Set<String> done = new HashSet<>();
        for (String start : imports.keySet()) {
            List<String> cycle = cycleFrom(start, imports, new ArrayList<>(), done);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        return List.of();
    }

    private static List<String> cycleFrom(
            String module, Map<String, List<String>> imports, List<String> path, Set<String> done) {
        int seen = path.indexOf(module);
        if (seen >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
            cycle.add(module);
            return cycle;
        }
        if (done.contains(module)) {
            return List.of();
        }
        path.add(module);
        for (String next : imports.getOrDefault(module, List.of())) {
            List<String> cycle = cycleFrom(next, imports, path, done);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        done.add(module);
        return List.of();
    }

    @Test
    void head_answersHeadersOnly() throws Exception {
        HttpResponse<String> head = HTTP.send(
                HttpRequest.newBuilder(LOCAL.baseUrl().resolve("/"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("content-security-policy")).isPresent();
    }

    @Test
    void apiAndDevRoutes_keepPrecedence_andOnlyGetOrHeadServeFiles() throws Exception {
        assertThat(get("/2fa/status").statusCode()).isEqualTo(401);
        HttpResponse<String> outbox = get("/dev/outbox");
        assertThat(outbox.statusCode()).isEqualTo(200);
        assertThat(JSON.std.anyFrom(outbox.body())).isInstanceOf(List.class);

        HttpResponse<String> post = HTTP.send(
                HttpRequest.newBuilder(LOCAL.baseUrl().resolve("/index.html"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(404);
        assertThat(get("/nope.html").body()).isEqualTo("{\"message\":\"Not Found\"}");
    }

    @Test
    void directoryTraversal_neverReachesTheRepository() throws Exception {
        // Sent byte for byte over a socket: an HTTP client library might tidy these paths up first.
        for (String path : List.of(
                "/../template.yaml",
                "/web/../template.yaml",
                "/%2e%2e/template.yaml",
                "/..%2ftemplate.yaml",
                "/%2e%2e%2f.local/secret.key",
                "/..%5ctemplate.yaml",
                "/../pom.xml",
                "/../../etc/passwd",
                "/.local/secret.key",
                "//template.yaml")) {
            String response = rawGet(path);

            assertThat(response).as(path).startsWith("HTTP/1.1 404");
            assertThat(response).as(path).doesNotContain("AWSTemplateFormatVersion", "<project", "root:");
        }
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(LOCAL.baseUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String rawGet(String path) throws IOException {
        try (var socket = new Socket("127.0.0.1", LOCAL.port())) {
            socket.setSoTimeout(5_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
