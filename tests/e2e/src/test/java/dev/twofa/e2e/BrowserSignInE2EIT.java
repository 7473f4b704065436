package dev.twofa.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.localrun.LocalRunFixture;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * How the reference web client signs in and what configuration it starts with, in headless
 * Chromium: a sign-in link's token counts only with the {@code state} the client sent the identity
 * provider (login CSRF), and an API address that is neither https nor this computer stops the client
 * at start. The local run here serves a copy of web/ whose config.js each test writes.
 */
class BrowserSignInE2EIT {
    /** Where the client sends users to sign in: nothing answers there, the test reads the address. */
    private static final String PROVIDER_PATH = "/idp/authorize";

    @RegisterExtension
    static final LocalRunFixture LOCAL = LocalRunFixture.withDefaults().servingACopyOfTheSite();

    private static Browser browser;
    private static LocalRunClient client;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start(Path.of(System.getProperty("twofa.screenshots", "target/screenshots")));
        base = LOCAL.baseUrl().toString();
        client = new LocalRunClient(LOCAL.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void signInLink_withoutState_orWithAStateThisTabDidNotMake_signsNobodyIn_andSaysSo() throws Exception {
        writeConfig("", base + PROVIDER_PATH + "?client_id=twofa-web");
        browser.reset(base);
        String sender = newUser("sender");
        String token = client.devToken(sender, sender + "@example.test");

        for (String link : List.of(
                base + "/#access_token=" + token, base + "/#access_token=" + token + "&state=" + "A".repeat(43))) {
            browser.open(link);

            browser.awaitText("#signin-link-refused", "A sign-in link was ignored");
            browser.awaitAnnounced("A sign-in link was ignored");
            assertThat(browser.visible("#view-signin").isDisplayed()).isTrue();
            assertThat(browser.currentUrl())
                    .as("the token is gone from the address")
                    .isEqualTo(base + "/#signin");
            assertThat(signedInAs()).isNull();
            assertThat(browser.driver().findElement(By.id("nav")).isDisplayed()).isFalse();
        }
        browser.screenshot("sign-in-link-refused");

        // Signed in as someone else, such a link does not switch the account either.
        String user = newUser("user");
        browser.type("#dev-sub", user);
        browser.click("#dev-signin-form button[type=submit]");
        browser.awaitText("#who", user);
        browser.open(base + "/#access_token=" + token + "&state=" + "B".repeat(43));
        browser.visible("#signin-link-refused");
        assertThat(signedInAs()).isEqualTo(user);
        browser.click("a[data-nav=settings]");
        browser.awaitText("#who", user);
    }

    @Test
    void providerSignIn_takesTheTokenThatComesBackWithTheStateThisTabSent_once() throws Exception {
        writeConfig("", base + PROVIDER_PATH + "?client_id=twofa-web&response_type=token");
        browser.reset(base);
        String user = newUser("idp");
        String token = client.devToken(user, user + "@example.test");

        // A sign-in under way, answered with another state: refused, and that sign-in is spent.
        Map<String, String> first = goToProvider();
        browser.open(base + "/#access_token=" + token + "&state=" + "C".repeat(43));
        browser.visible("#signin-link-refused");
        browser.open(base + "/#access_token=" + token + "&state=" + first.get("state"));
        browser.visible("#signin-link-refused");
        assertThat(signedInAs()).isNull();

        // The round trip: a fresh state, and this page to come back to, kept from signInUrl's own.
        Map<String, String> request = goToProvider();
        assertThat(request)
                .containsEntry("client_id", "twofa-web")
                .containsEntry("response_type", "token")
                .containsEntry("redirect_uri", base + "/");
        assertThat(request.get("state")).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(first.get("state"));
        String answer = request.get("redirect_uri") + "#access_token=" + token + "&token_type=Bearer&state="
                + request.get("state");
        browser.open(answer);
        browser.awaitText("#who", user);
        assertThat(browser.currentUrl()).isEqualTo(base + "/#settings");
        assertThat(browser.driver().findElement(By.id("signin-link-refused")).isDisplayed())
                .isFalse();

        // The same answer again (from history, or sent by someone who saw it): the state is spent.
        browser.click("#sign-out");
        browser.visible("#view-signin");
        browser.open(answer);
        browser.visible("#signin-link-refused");
        assertThat(signedInAs()).isNull();
    }

    @Test
    void config_withAnAddressTokensMustNotGoTo_stopsTheClientAtStart_withTheReason() throws Exception {
        for (String refused : List.of(
                "http://api.example.test",
                "http://127.0.0.1.example.test",
                "http://localhost.example.test:3000",
                "http://user:secret@127.0.0.1:9",
                "ftp://127.0.0.1")) {
            writeConfig(refused, "");
            browser.reset(base);

            browser.awaitText("#config-error", "This client will not start: its API address, " + refused);
            assertThat(browser.textOf("#config-error")).contains("config.js");
            assertThat(browser.driver().findElements(By.cssSelector("section.view")).stream()
                            .noneMatch(WebElement::isDisplayed))
                    .as("no screen shown")
                    .isTrue();
            assertThat(browser.driver().findElement(By.id("loading")).isDisplayed())
                    .isFalse();
            if (refused.equals("http://api.example.test")) {
                browser.screenshot("config-refused");
            }
        }

        writeConfig("", "http://idp.example.test/authorize");
        browser.reset(base);
        browser.awaitText("#config-error", "its sign-in page, http://idp.example.test/authorize");

        // https anywhere, plain http to this computer: the client starts (the CSP keeps it from
        // reaching any of these, so it shows the sign-in screen with no dev sign-in).
        for (String accepted :
                List.of("https://api.example.test", "http://127.0.0.2:9", "http://localhost:9", "http://[::1]:9")) {
            writeConfig(accepted, "");
            browser.reset(base);

            browser.visible("#view-signin");
            assertThat(browser.driver().findElement(By.id("config-error")).isDisplayed())
                    .as(accepted)
                    .isFalse();
        }
    }

    // --- Steps ---------------------------------------------------------------------------------

    private static void writeConfig(String apiBaseUrl, String signInUrl) throws IOException {
        Files.writeString(
                LOCAL.run().webRoot().orElseThrow().resolve("config.js"),
                "window.TWOFA_CONFIG = Object.freeze({ apiBaseUrl: " + JSON.std.asString(apiBaseUrl) + ", signInUrl: "
                        + JSON.std.asString(signInUrl) + ", productName: \"TwoFA\" });\n");
    }

    /** Clicks "Sign in" and returns the query the identity provider's page was opened with. */
    private static Map<String, String> goToProvider() {
        browser.open(base + "/#signin");
        browser.click("#provider-signin-start");
        browser.await().until(d -> d.getCurrentUrl().startsWith(base + PROVIDER_PATH + "?"));
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : URI.create(browser.currentUrl()).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            query.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    /** The user the client's session (this tab's sessionStorage) is for, or null. */
    private static String signedInAs() throws IOException {
        Object saved = browser.script("return sessionStorage.getItem('twofa.session')");
        return saved == null ? null : (String) JSON.std.mapFrom((String) saved).get("sub");
    }

    private static String newUser(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
