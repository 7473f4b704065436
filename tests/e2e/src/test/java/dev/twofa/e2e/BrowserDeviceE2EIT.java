package dev.twofa.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofa.localrun.LocalRunFixture;
import java.nio.file.Path;
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
 * "Remember this device" in the reference web client, in headless Chromium against the local run:
 * the browser's own WebCrypto makes the non-extractable P-256 key and keeps it in IndexedDB, the
 * next sign-in step completes with it and no code, Settings lists the device and forgets it, and a
 * forgotten device asks for a code again.
 */
class BrowserDeviceE2EIT {
    @RegisterExtension
    static final LocalRunFixture LOCAL = LocalRunFixture.withDefaults();

    private static Browser browser;
    private static LocalRunClient client;
    private static String base;

    private record User(String sub, String email) {}

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
    void rememberThisDevice_afterACode_thenTheNextSignInStepNeedsNoCode_untilTheDeviceIsForgotten() throws Exception {
        browser.reset(base);
        User user = new User("device-" + UUID.randomUUID().toString().substring(0, 8), null);
        user = new User(user.sub(), user.sub() + "@example.test");
        long step = enableTotpOverApi(user);

        // The sign-in step with a code; then the offer, kept in this browser with a key it cannot export.
        devSignIn(user);
        browser.visible("#verify-totp-form");
        browser.typeAndEnter("#verify-code", Rfc6238.totp(secret, Math.max(step + 1, Rfc6238.currentStep())));
        browser.visible("#verify-done");
        browser.visible("#device-offer");
        browser.screenshot("device-offer");
        browser.click("#device-remember");
        browser.awaitText("#device-offer-result", "This device is remembered until");
        browser.awaitAnnounced("This device is remembered");
        Object extractable = browser.driver()
                .executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + "const open = indexedDB.open('twofa-devices', 1);"
                        + "open.onsuccess = () => {"
                        + "  const get = open.result.transaction('keys').objectStore('keys').getAll();"
                        + "  get.onsuccess = () => done(get.result.map(d => [d.privateKey.extractable,"
                        + "    d.privateKey.algorithm.namedCurve, d.privateKey.type]));"
                        + "};");
        assertThat(extractable).asString().contains("false").contains("P-256").contains("private");

        // Signed out and in again: the step completes by the device, no code asked.
        browser.click("#sign-out");
        browser.visible("#view-signin");
        devSignIn(user);
        browser.visible("#verify-done");
        assertThat(browser.textOf("#verify-done-text")).isEqualTo("Verified by this remembered device.");
        assertThat(displayed("#verify-methods")).isFalse();
        assertThat(displayed("#device-offer"))
                .as("no offer to remember it again")
                .isFalse();
        browser.screenshot("device-sign-in");

        // Security lists it as this device, used; the activity says how the sign-in went.
        browser.click("#verify-done a.button");
        browser.awaitText("#devices-list", "(this device)");
        assertThat(browser.textOf("#devices-list")).contains("last used");
        browser.awaitText("#activity-list", "Signed in with a remembered device");
        browser.screenshot("devices-settings");
        Map<String, Object> listed = client.get("/2fa/devices", client.devToken(user.sub(), user.email()));
        assertThat((List<?>) listed.get("devices")).hasSize(1);

        // Forget it: gone from the list, and the next sign-in step asks for a code again.
        List<WebElement> forget = browser.driver().findElements(By.cssSelector("#devices-list button"));
        assertThat(forget).hasSize(1);
        forget.getFirst().click();
        browser.visible("#devices-empty");
        browser.click("#sign-out");
        browser.visible("#view-signin");
        devSignIn(user);
        browser.visible("#verify-totp-form");
        assertThat(displayed("#verify-done")).isFalse();
        assertThat(displayed("#verify-device-failed"))
                .as("the key was deleted with the device: nothing failed, nothing to explain")
                .isFalse();
    }

    @Test
    void aDeviceForgottenElsewhere_isDeletedHere_andTheStepAsksForACode_sayingWhy() throws Exception {
        browser.reset(base);
        User user = new User("elsewhere-" + UUID.randomUUID().toString().substring(0, 8), null);
        user = new User(user.sub(), user.sub() + "@example.test");
        long step = enableTotpOverApi(user);
        devSignIn(user);
        browser.visible("#verify-totp-form");
        browser.typeAndEnter("#verify-code", Rfc6238.totp(secret, Math.max(step + 1, Rfc6238.currentStep())));
        browser.visible("#device-offer");
        browser.click("#device-remember");
        browser.awaitText("#device-offer-result", "This device is remembered until");

        // "Forget all devices" from another browser (here: the API, with the same user's token).
        client.post("/2fa/devices/revoke", client.devToken(user.sub(), user.email()), Map.of("all", true));

        browser.click("#sign-out");
        browser.visible("#view-signin");
        devSignIn(user);
        browser.awaitText("#verify-device-failed", "This device is no longer remembered");
        browser.visible("#verify-totp-form");
        // The key is gone: the step after that asks for a code with nothing to explain.
        browser.click("a[data-nav=verify]");
        browser.visible("#verify-totp-form");
        assertThat(displayed("#verify-device-failed")).isFalse();
    }

    // --- Steps ---------------------------------------------------------------------------------

    /** The secret of the last {@link #enableTotpOverApi}. */
    private static String secret;

    private static void devSignIn(User user) {
        browser.visible("#dev-sub");
        browser.type("#dev-sub", user.sub());
        browser.type("#dev-email", user.email());
        browser.click("#dev-signin-form button[type=submit]");
    }

    /** TOTP on for {@code user} over the API; the step its confirmation spent. */
    private static long enableTotpOverApi(User user) throws Exception {
        String token = client.devToken(user.sub(), user.email());
        client.post("/2fa/totp/enable", token, null);
        String link = client.activationLink(user.email());
        String activationToken = link.substring(link.indexOf("#token=") + "#token=".length());
        Map<String, Object> activation = client.post("/2fa/totp/activate", token, Map.of("token", activationToken));
        secret = (String) activation.get("secret");
        long step = Rfc6238.stepWithTimeToSpare();
        client.post("/2fa/totp/confirm", token, Map.of("code", Rfc6238.totp(secret, step)));
        return step;
    }

    private static boolean displayed(String css) {
        return browser.driver().findElements(By.cssSelector(css)).stream().anyMatch(WebElement::isDisplayed);
    }
}
