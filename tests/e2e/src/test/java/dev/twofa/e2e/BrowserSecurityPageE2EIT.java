package dev.twofa.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofa.localrun.LocalRunFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Issue 15, Settings > Security as users know it from the best 2FA pages, in headless Chromium
 * against the local run: recovery codes that cannot be lost by accident, a setup that survives a
 * reload, honest waiting, the first SMS sign-in code right after enabling, an activity feed that says
 * what the user did, and an axe-core scan of every view (no serious or critical violation).
 */
class BrowserSecurityPageE2EIT {
    @RegisterExtension
    static final LocalRunFixture LOCAL = LocalRunFixture.withDefaults();

    private static Browser browser;
    private static LocalRunClient client;
    private static String base;

    private record User(String sub, String email) {
        static User fresh(String prefix) {
            String sub = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
            return new User(sub, sub + "@example.test");
        }
    }

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
    void aReloadDuringSetup_showsTheSameKeyAgain_andUnsavedRecoveryCodesAskBeforeLeaving() throws Exception {
        browser.reset(base);
        User user = User.fresh("reload");
        devSignIn(user);
        client.post("/2fa/totp/enable", client.devToken(user.sub(), user.email()), null);
        browser.open(client.activationLink(user.email()));
        browser.visible("#qr");
        String secret = browser.textOf("#secret");
        assertThat(browser.driver().findElement(By.id("otpauth-link")).getAttribute("href"))
                .startsWith("otpauth://totp/");

        // The tab reloads (on a phone: coming back from the authenticator app): the same setup again.
        browser.driver().navigate().refresh();
        browser.awaitReady();
        browser.visible("#activate-resumed");
        browser.awaitText("#secret", secret);
        browser.resize(360, 800);
        assertThat(browser.visible("#otpauth-link").getText()).isEqualTo("Open in authenticator app");
        browser.screenshot("activation-resumed-360px");
        browser.resize(Browser.WIDTH, Browser.HEIGHT);

        browser.typeAndEnter("#confirm-code", Rfc6238.totp(secret.replace(" ", ""), Rfc6238.stepWithTimeToSpare()));
        browser.visible("#recovery-codes li");
        assertThat(browser.visible("#codes-on").getText()).isEqualTo("Two-factor authentication is on.");
        assertThat(browser.visible("#codes-print").getText()).isEqualTo("Print codes");
        assertThat(browser.textOf("#activate-codes")).contains("Get new recovery codes");
        browser.screenshot("recovery-codes");

        // Reloading or closing asks first (the browser's own question, from beforeunload).
        assertThat(browser.script("const e = new Event('beforeunload', {cancelable: true});"
                        + " window.dispatchEvent(e); return e.defaultPrevented;"))
                .isEqualTo(true);
        // A link in the top bar asks in the page; "no" keeps the codes on screen.
        browser.click("a[data-nav=settings]");
        browser.await().until(ExpectedConditions.alertIsPresent()).dismiss();
        assertThat(browser.visible("#recovery-codes li").isDisplayed()).isTrue();
        assertThat(browser.currentUrl()).endsWith("#activate");
        // "Yes" leaves, and the codes are gone for good; the page then says 2FA is on, and where new codes are.
        browser.click("a[data-nav=settings]");
        browser.await().until(ExpectedConditions.alertIsPresent()).accept();
        browser.awaitText("#status-line", "On: authenticator app");
        assertThat(browser.script("const e = new Event('beforeunload', {cancelable: true});"
                        + " window.dispatchEvent(e); return e.defaultPrevented;"))
                .isEqualTo(false);
        browser.open(base + "/#activate");
        browser.awaitText("#activate-error-text", "already on");
        assertThat(browser.textOf("#activate-error-text")).contains("Get new recovery codes");
    }

    @Test
    void wrongCodes_startAWaitThatCountsDownLive_withVerifyHeld_andTheFeedSaysWhatHappened() throws Exception {
        browser.reset(base);
        User user = User.fresh("wait");
        String token = client.devToken(user.sub(), user.email());
        client.post("/2fa/totp/enable", token, null);
        String link = client.activationLink(user.email());
        String secret = (String) client.post(
                        "/2fa/totp/activate",
                        token,
                        Map.of("token", link.substring(link.indexOf("#token=") + "#token=".length())))
                .get("secret");
        // A wrong first code while setting up: "while setting up", not "failed sign-in".
        assertThat(client.send("POST", "/2fa/totp/confirm", token, "{\"code\":\"" + Rfc6238.wrongCode(secret) + "\"}")
                        .statusCode())
                .isEqualTo(400);
        client.post("/2fa/totp/confirm", token, Map.of("code", Rfc6238.totp(secret, Rfc6238.stepWithTimeToSpare())));

        devSignIn(user);
        browser.visible("#verify-totp-form");
        browser.typeAndEnter("#verify-code", Rfc6238.wrongCode(secret));
        browser.awaitText("#verify-code-error", "After 5 wrong codes in a row you will have to wait");
        for (int i = 0;
                i < 6 && !browser.driver().findElement(By.id("verify-wait")).isDisplayed();
                i++) {
            browser.typeAndEnter("#verify-code", Rfc6238.wrongCode(secret));
            browser.await()
                    .until(d -> !browser.textOf("#verify-code-error").isEmpty()
                            || d.findElement(By.id("verify-wait")).isDisplayed());
        }
        browser.awaitText("#verify-wait", "You can try again in");
        String first = browser.textOf("#verify-wait");
        assertThat(first).contains("after 100 in a row, sign-in is locked");
        assertThat(browser.driver()
                        .findElement(By.cssSelector("#verify-totp-form button[type=submit]"))
                        .getAttribute("aria-disabled"))
                .isEqualTo("true");
        assertThat(browser.textOf("#verify-code-error"))
                .as("one figure, in the banner only")
                .isEmpty();
        // Live: the figure counts down to "now", and then the button is released.
        browser.await().withMessage("the countdown to move").until(d -> !browser.textOf("#verify-wait")
                .equals(first));
        browser.screenshot("sign-in-wait-countdown");
        browser.await().withTimeout(java.time.Duration.ofMinutes(2)).until(d -> browser.textOf("#verify-wait")
                .startsWith("You can try again now"));
        assertThat(browser.driver()
                        .findElement(By.cssSelector("#verify-totp-form button[type=submit]"))
                        .getAttribute("aria-disabled"))
                .isNull();

        browser.click("a[data-nav=settings]");
        browser.awaitText("#activity-list", "Wrong code while setting up the authenticator app");
        assertThat(browser.textOf("#activity-list")).contains("Failed sign-in attempt", "Headless Chrome on Linux");
        assertThat(browser.textOf("#activity-card")).contains("change your password and contact support");
        browser.screenshot("settings-activity");
    }

    @Test
    void smsRightAfterEnabling_textsTheFirstSignInCodeAtOnce() throws Exception {
        browser.reset(base);
        User user = User.fresh("sms");
        String phone = "+4520" + String.format("%06d", (int) (Math.random() * 1_000_000));
        devSignIn(user);
        browser.open(base + "/#settings");
        browser.visible("#sms-phone");
        int before = client.smsCount(phone);
        browser.typeAndEnter("#sms-phone", phone);
        String code = client.awaitSmsCode(phone, before);
        browser.typeAndEnter("#sms-enable-code", code);
        browser.awaitText("#settings-success", "Text message (SMS) is on");
        browser.awaitText("#status-line", "On: text message");
        assertThat(browser.visible("#sms-disable-start").getText()).isEqualTo("Turn off");
        browser.screenshot("settings-security");
        browser.resize(360, 800);
        browser.screenshot("settings-security-360px");
        browser.resize(Browser.WIDTH, Browser.HEIGHT);

        // The sign-in step right away: the code is texted, no "ask for a new code in 13 seconds".
        browser.click("a[data-nav=verify]");
        browser.visible("#verify-sms-send-form button[type=submit]").click();
        browser.visible("#verify-sms-code");
        browser.awaitText("#verify-sms-sent", "We sent a code to");
        assertThat(client.smsCount(phone)).isEqualTo(before + 2);
        assertThat(browser.textOf("#verify-sms-send-error")).isEmpty();
    }

    @Test
    void everyView_hasNoSeriousOrCriticalAccessibilityViolation() throws Exception {
        Map<String, List<Map<String, Object>>> results = new LinkedHashMap<>();
        browser.reset(base);
        results.put("sign-in", axe());

        User user = User.fresh("axe");
        devSignIn(user);
        browser.open(base + "/#settings");
        browser.visible("#sms-phone");
        results.put("settings (nothing on)", axe());

        String token = client.devToken(user.sub(), user.email());
        client.post("/2fa/totp/enable", token, null);
        browser.open(client.activationLink(user.email()));
        browser.visible("#qr");
        results.put("activate: QR code and key", axe());
        String secret = browser.textOf("#secret").replace(" ", "");
        browser.typeAndEnter("#confirm-code", Rfc6238.totp(secret, Rfc6238.stepWithTimeToSpare()));
        browser.visible("#recovery-codes li");
        results.put("activate: recovery codes", axe());
        browser.click("#codes-saved");
        browser.click("#codes-form button[type=submit]");
        browser.visible("#activate-done");
        results.put("activate: done", axe());

        browser.open(base + "/#settings");
        browser.awaitText("#status-line", "On: authenticator app");
        browser.visible("#activity-list li");
        results.put("settings (app on, activity)", axe());
        browser.click("#regen-start");
        browser.visible("#stepup-form");
        results.put("settings: Confirm it's you", axe());

        browser.open(base + "/#verify");
        browser.visible("#verify-totp-form");
        browser.typeAndEnter("#verify-code", Rfc6238.wrongCode(secret));
        browser.visible("#verify-code-error");
        results.put("sign-in step (with an error)", axe());
        browser.open(base + "/#inbox");
        browser.visible("#inbox-list li");
        results.put("dev inbox", axe());

        StringBuilder report = new StringBuilder("axe-core results per view (impact: rule × nodes)\n");
        List<String> blocking = new ArrayList<>();
        results.forEach((view, violations) -> {
            report.append(view).append(": ");
            report.append(violations.isEmpty() ? "no violations" : "");
            for (Map<String, Object> v : violations) {
                report.append(v.get("impact"))
                        .append(' ')
                        .append(v.get("id"))
                        .append(" × ")
                        .append(v.get("nodes"))
                        .append("; ");
                if ("serious".equals(v.get("impact")) || "critical".equals(v.get("impact"))) {
                    blocking.add(view + ": " + v);
                }
            }
            report.append('\n');
        });
        Path out = Path.of(System.getProperty("twofa.screenshots", "target/screenshots"))
                .resolve("axe-results.txt");
        Files.writeString(out, report, StandardCharsets.UTF_8);
        System.out.print(report);
        assertThat(blocking).as(report.toString()).isEmpty();
    }

    // --- Steps ---------------------------------------------------------------------------------

    /**
     * axe-core's violations on the page as it is now, injected into this Chromium from the pinned
     * copy scripts/test installs (tests/e2e/axe, npm ci); missing, the test fails rather than skips.
     */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> axe() throws Exception {
        String configured = System.getenv("TWOFA_AXE_JS");
        Path axe = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : LocalRunFixture.repoRoot().resolve("tests/e2e/axe/node_modules/axe-core/axe.min.js");
        assertThat(axe)
                .as("axe-core for the accessibility scan: scripts/test installs it (cd tests/e2e/axe && npm ci)")
                .isRegularFile();
        if (!Boolean.TRUE.equals(browser.script("return typeof window.axe === 'object'"))) {
            browser.script(Files.readString(axe, StandardCharsets.UTF_8));
        }
        Object found = browser.driver()
                .executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                                + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',"
                                + " 'wcag21aa', 'best-practice']}, resultTypes: ['violations']})"
                                + ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact,"
                                + " nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))"
                                + ".catch(e => done([{id: 'axe-error', impact: 'critical', nodes: 0, targets: [String(e)]}]));");
        return (List<Map<String, Object>>) found;
    }

    private static void devSignIn(User user) {
        browser.visible("#dev-sub");
        browser.type("#dev-sub", user.sub());
        browser.type("#dev-email", user.email());
        browser.click("#dev-signin-form button[type=submit]");
        browser.await().until(d -> !d.findElement(By.id("view-signin")).isDisplayed());
    }

    @SuppressWarnings("unused")
    private static boolean displayed(String css) {
        return browser.driver().findElements(By.cssSelector(css)).stream().anyMatch(WebElement::isDisplayed);
    }
}
