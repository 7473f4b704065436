package dev.twofa.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticSiteTest {
    @TempDir
    Path dir;

    private StaticSite site;

    @BeforeEach
    void site() throws IOException {
        Path web = Files.createDirectories(dir.resolve("web"));
        Files.writeString(web.resolve("index.html"), "<!doctype html><title>client</title>");
        Files.writeString(web.resolve("main.js"), "import { api } from \"./api.js\";");
        Files.writeString(web.resolve("notes.md"), "# not part of the client");
        Files.writeString(web.resolve(".env"), "SECRET=1");
        Files.createDirectories(web.resolve("img"));
        Files.write(web.resolve("img/logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Files.writeString(dir.resolve("secret.html"), "beside the web folder");
        Files.writeString(dir.resolve("template.yaml"), "AWSTemplateFormatVersion: x");
        site = StaticSite.in(web).orElseThrow();
    }

    @Test
    void rootAndActivationPath_answerTheClientPage() throws IOException {
        for (String path : List.of("/", "/activate", "/index.html")) {
            StaticSite.Asset asset = site.find(path).orElseThrow();

            assertThat(asset.contentType()).as(path).isEqualTo("text/html; charset=utf-8");
            assertThat(new String(asset.body(), StandardCharsets.UTF_8)).contains("<title>client</title>");
        }
    }

    @Test
    void files_areServedWithTheTypeOfTheirExtension() throws IOException {
        assertThat(site.find("/main.js").orElseThrow().contentType()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(site.find("/img/logo.png").orElseThrow().contentType()).isEqualTo("image/png");
    }

    @Test
    void pathsLeavingTheFolder_orHidden_orEncoded_findNothing() throws IOException {
        // Directory traversal, percent-encoded dots and slashes, backslashes, hidden files, empty segments.
        for (String path : List.of(
                "/../secret.html",
                "/../template.yaml",
                "/img/../../secret.html",
                "/%2e%2e/secret.html",
                "/..%2fsecret.html",
                "/%2E%2E%2Fsecret.html",
                "/..\\secret.html",
                "/img/..%5c..%5csecret.html",
                "//secret.html",
                "/./index.html",
                "/.env",
                "/img/",
                "/img",
                "/index.html/",
                "/index.html%00.png",
                "/activate/",
                "")) {
            assertThat(site.find(path)).as(path).isEmpty();
        }
    }

    @Test
    void onlyKnownTypesAreServed() throws IOException {
        assertThat(site.find("/notes.md")).isEmpty();
        assertThat(site.find("/missing.js")).isEmpty();
    }

    @Test
    void symbolicLinkInsideTheFolder_toAFileOutside_findsNothing() throws IOException {
        Files.createSymbolicLink(dir.resolve("web/leak.html"), dir.resolve("secret.html"));
        Files.createSymbolicLink(dir.resolve("web/up"), dir);

        assertThat(site.find("/leak.html")).isEmpty();
        assertThat(site.find("/up/secret.html")).isEmpty();
    }

    @Test
    void noFolder_noSite() {
        assertThat(StaticSite.in(dir.resolve("nowhere"))).isEmpty();
    }
}
