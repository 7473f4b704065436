package dev.twofa.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofa.localrun.LocalRunFixture;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.TimeoutException;
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
        // Each wrong code says what the next ones lead to; the one before the wait warns of it.
        warnedOfTheWait("#verify-code", "#verify-code-error", secret);
        browser.screenshot("sign-in-one-more-wrong-code");
        String first = waitLongEnough("#verify-code", "#verify-totp-form button[type=submit]", "#verify-wait", secret);
        assertThat(first).contains("after 100 in a row, two-factor authentication is locked");
        assertThat(browser.textOf("#verify-code-error"))
                .as("one figure, in the banner only")
                .doesNotContain("seconds");
        // Live: the figure counts down to "now", and then the button is released.
        browser.await().withMessage("the countdown to move").until(d -> !browser.textOf("#verify-wait")
                .equals(first));
        browser.screenshot("sign-in-wait-countdown");
        browser.await().withTimeout(Duration.ofMinutes(2)).until(d -> browser.textOf("#verify-wait")
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
        String phone = "+4520" + mobileDigits();
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
    void recoveryCodesHaveTheirOwnRow_escapeClosesEachForm_backAsksBeforeUnsavedCodesGo_printCallsThePrinter()
            throws Exception {
        browser.reset(base);
        User user = User.fresh("codes");
        Enrolled enrolled = enableTotpOverApi(user);
        // Text messages too, added over the API with one of the recovery codes as the proof.
        String token = client.devToken(user.sub(), user.email());
        String phone = "+4520" + mobileDigits();
        int before = client.smsCount(phone);
        client.post(
                "/2fa/sms/send",
                token,
                Map.of(
                        "purpose",
                        "enable",
                        "phoneNumber",
                        phone,
                        "recoveryCode",
                        enrolled.codes().get(0)));
        client.post("/2fa/sms/confirm", token, Map.of("purpose", "enable", "code", client.awaitSmsCode(phone, before)));
        devSignIn(user);
        browser.visible("#verify-totp-form");
        browser.click("a[data-nav=settings]");
        browser.awaitText("#status-line", "On: authenticator app and text message.");

        // Their own row: how many are left, and the way to a new set.
        assertThat(browser.visible("#recovery-card h2").getText()).isEqualTo("Recovery codes");
        browser.awaitText("#recovery-count", "9 of 10 left");
        assertThat(browser.textOf("#recovery-badge")).isEqualTo("9 left");
        browser.visible("#activity-list li");
        browser.screenshot("settings-security-app-and-sms");
        assertThat(browser.visible("#recovery-card #regen-start").getText()).isEqualTo("Get new recovery codes");
        assertThat(browser.textOf("#totp-card")).doesNotContain("Get new recovery codes");

        // Escape closes each form, and the focus goes back to the button that opened it.
        browser.click("#regen-start");
        browser.await().until(d -> "stepup-code".equals(browser.focusedId()));
        assertThat(displayed("#recovery-stepup #stepup-form")).isTrue();
        browser.keys(Keys.ESCAPE);
        browser.awaitHidden("#stepup-form");
        assertThat(browser.focusedId()).isEqualTo("regen-start");
        assertThat(browser.visible("#regen-start").getDomAttribute("aria-expanded"))
                .isEqualTo("false");
        browser.click("#totp-disable-start");
        browser.await().until(d -> "stepup-code".equals(browser.focusedId()));
        browser.keys(Keys.ESCAPE);
        browser.awaitHidden("#stepup-form");
        assertThat(browser.focusedId()).isEqualTo("totp-disable-start");
        assertThat(browser.textOf("#totp-badge")).as("nothing was turned off").isEqualTo("On");

        // New codes, then Print: the page's window.print is a stub here that records the call.
        browser.click("#regen-start");
        browser.typeAndEnter("#stepup-code", nextCode(enrolled));
        browser.visible("#recovery-card #activate-codes #recovery-codes li");
        browser.script("window.__prints = [];"
                + " window.print = () => window.__prints.push(document.body.classList.contains('print-codes'));");
        browser.click("#codes-print");
        assertThat(browser.script("return window.__prints"))
                .as("one print, of the codes only")
                .isEqualTo(List.of(true));
        browser.awaitText("#codes-status", "Sent to the printer dialog");
        assertThat(browser.script("return document.body.classList.contains('print-codes')"))
                .isEqualTo(false);

        // Back while the codes are unsaved asks first; "no" keeps them on screen.
        browser.script("setTimeout(() => history.back(), 0);");
        browser.await().until(ExpectedConditions.alertIsPresent()).dismiss();
        assertThat(browser.visible("#recovery-codes li").isDisplayed()).isTrue();
        browser.await().until(d -> browser.currentUrl().endsWith("#settings"));
        assertThat(displayed("#view-settings")).isTrue();
        // "Yes": the codes are gone for good, and the page no longer asks before unloading.
        browser.script("setTimeout(() => history.back(), 0);");
        browser.await().until(ExpectedConditions.alertIsPresent()).accept();
        browser.await().until(d -> browser.driver()
                .findElements(By.cssSelector("#recovery-codes li"))
                .isEmpty());
        assertThat(browser.script("const e = new Event('beforeunload', {cancelable: true});"
                        + " window.dispatchEvent(e); return e.defaultPrevented;"))
                .isEqualTo(false);
    }

    @Test
    void theTypedNumberShowsUntilConfirmed_thenMasked_andEverySmsResendCountsDownWithItsButtonHeld() throws Exception {
        browser.reset(base);
        User user = User.fresh("phone");
        String digits = mobileDigits();
        String phone = "+4520" + digits;
        String typed = "+45 20 " + digits.substring(0, 2) + " " + digits.substring(2, 4) + " " + digits.substring(4);
        devSignIn(user);
        browser.open(base + "/#settings");
        int before = client.smsCount(phone);
        browser.typeAndEnter("#sms-phone", typed);
        String code = client.awaitSmsCode(phone, before);
        // The number as typed, to check it, until it is confirmed.
        browser.awaitText("#sms-enable-sent", "We sent a code to " + typed + ".");

        // "Resend code" at once: the send interval holds it, counting down live.
        browser.click("#sms-enable-resend");
        assertHeldCountingDown("#sms-enable-resend", "#sms-enable-resend-error", "You can ask for a new code in");

        browser.typeAndEnter("#sms-enable-code", code);
        browser.awaitText("#settings-success", "Text message (SMS) is on");
        // Once on, masked everywhere.
        String shown = browser.visible("#sms-number").getText();
        assertThat(shown).contains("•").doesNotContain(digits);
        assertThat(browser.textOf("#view-settings")).doesNotContain(typed).doesNotContain(digits);

        // Turn off: Escape closes Confirm it's you (focus back on Turn off).
        browser.click("#sms-disable-start");
        browser.await().until(d -> "stepup-sms-send".equals(browser.focusedId()));
        browser.keys(Keys.ESCAPE);
        browser.awaitHidden("#stepup-form");
        assertThat(browser.focusedId()).isEqualTo("sms-disable-start");
        // The code to turn it off is texted, and "Resend code" at once counts down with the button held.
        browser.click("#sms-disable-start");
        browser.click("#stepup-sms-send");
        browser.visible("#stepup-sms-code");
        browser.click("#stepup-sms-resend");
        assertHeldCountingDown("#stepup-sms-resend", "#stepup-sms-resend-error", "You can ask for a new code in");
        browser.screenshot("settings-step-up-sms-countdown");
        browser.keys(Keys.ESCAPE);
        browser.awaitHidden("#stepup-form");

        // Escape also closes the texted-code step of adding a number: back to the number field.
        browser.reset(base);
        User other = User.fresh("phone-esc");
        String otherPhone = "+4520" + mobileDigits();
        devSignIn(other);
        browser.open(base + "/#settings");
        int sent = client.smsCount(otherPhone);
        browser.typeAndEnter("#sms-phone", otherPhone);
        client.awaitSmsCode(otherPhone, sent);
        browser.await().until(d -> "sms-enable-code".equals(browser.focusedId()));
        browser.keys(Keys.ESCAPE);
        browser.awaitHidden("#sms-enable-confirm-form");
        assertThat(browser.focusedId()).isEqualTo("sms-phone");
    }

    @Test
    void confirmItsYou_warnsBeforeTheWait_thenCountsItDownLive_withContinueHeld_asTheSignInStepDoes() throws Exception {
        browser.reset(base);
        User user = User.fresh("stepup-wait");
        Enrolled enrolled = enableTotpOverApi(user);
        devSignIn(user);
        browser.visible("#verify-totp-form");
        browser.click("a[data-nav=settings]");
        browser.click("#regen-start");
        browser.await().until(d -> "stepup-code".equals(browser.focusedId()));

        // Each wrong code says how many more before the wait: 4, 3, 2, then "one more".
        browser.typeAndEnter("#stepup-code", Rfc6238.wrongCode(enrolled.secret()));
        browser.awaitText("#stepup-code-error", "After 4 more wrong codes in a row you will have to wait");
        warnedOfTheWait("#stepup-code", "#stepup-code-error", enrolled.secret());
        // Each further wrong code starts a longer wait (1, 2, 4, 8 s): until one long enough to watch.
        String first = waitLongEnough("#stepup-code", "#stepup-submit", "#stepup-wait", enrolled.secret());
        assertThat(first).contains("Too many wrong codes in a row. You can try again in", "after 100 in a row");
        // The summary's Code entry says the same figure, and counts down with it.
        sameFigure("#stepup-wait", "#sum-signin", "Paused after wrong codes: you can try again in");
        browser.await().withMessage("the countdown to move").until(d -> !browser.textOf("#stepup-wait")
                .equals(first));
        sameFigure("#stepup-wait", "#sum-signin", "Paused after wrong codes: you can try again in");
        // A press while held sends nothing: it says the wait again.
        String requests = "return performance.getEntriesByType('resource')"
                + ".filter(e => e.name.includes('/2fa/recovery-codes/regenerate')).length";
        Object sent = browser.script(requests);
        browser.script("document.getElementById('announcer').textContent = '';");
        browser.driver().findElement(By.id("stepup-code")).sendKeys(Keys.ENTER);
        browser.awaitAnnounced("You can try again in");
        assertThat(browser.script(requests)).as("requests sent while held").isEqualTo(sent);
        browser.screenshot("settings-step-up-wait-countdown");
        browser.await().withTimeout(Duration.ofSeconds(30)).until(d -> browser.textOf("#stepup-wait")
                .startsWith("You can try again now"));
        assertThat(browser.driver().findElement(By.id("stepup-submit")).getDomAttribute("aria-disabled"))
                .isNull();
        browser.awaitText("#sum-signin", "Ready");
        // Escape closes the panel and its countdown with it.
        browser.click("#stepup-code");
        browser.keys(Keys.ESCAPE);
        browser.awaitHidden("#stepup-form");
    }

    @Test
    void theSetupsFirstCode_warnsBeforeTheWait_thenCountsItDownLive_withVerifyHeld() throws Exception {
        browser.reset(base);
        User user = User.fresh("setup-wait");
        devSignIn(user);
        client.post("/2fa/totp/enable", client.devToken(user.sub(), user.email()), null);
        browser.open(client.activationLink(user.email()));
        browser.visible("#qr");
        String secret = browser.textOf("#secret").replace(" ", "");

        // The first code counts toward the same lockout as the sign-in step, and says so the same way.
        warnedOfTheWait("#confirm-code", "#confirm-code-error", secret);
        String first = waitLongEnough("#confirm-code", "#confirm-form button[type=submit]", "#confirm-wait", secret);
        assertThat(first).contains("Too many wrong codes in a row. You can try again in", "after 100 in a row");
        assertThat(browser.textOf("#confirm-code-error"))
                .as("one figure, in the banner only")
                .doesNotContain("seconds");
        assertNoRequestWhileHeld("#confirm-code", "/2fa/totp/confirm");
        browser.await().withMessage("the countdown to move").until(d -> !browser.textOf("#confirm-wait")
                .equals(first));
        browser.screenshot("activation-wait-countdown");
        browser.await().withTimeout(Duration.ofSeconds(30)).until(d -> browser.textOf("#confirm-wait")
                .startsWith("You can try again now"));
        assertThat(browser.driver()
                        .findElement(By.cssSelector("#confirm-form button[type=submit]"))
                        .getDomAttribute("aria-disabled"))
                .isNull();

        // A reload during the next wait (8 s) shows it again at once, Verify held: the same setup, the same wait.
        waitLongEnough(
                "#confirm-code",
                "#confirm-form button[type=submit]",
                "#confirm-wait",
                () -> Rfc6238.wrongCode(secret),
                8);
        browser.driver().navigate().refresh();
        browser.awaitReady();
        browser.visible("#activate-resumed");
        browser.awaitText("#confirm-wait", "Too many wrong codes in a row. You can try again in");
        assertThat(browser.driver()
                        .findElement(By.cssSelector("#confirm-form button[type=submit]"))
                        .getDomAttribute("aria-disabled"))
                .isEqualTo("true");
        browser.await().withTimeout(Duration.ofSeconds(30)).until(d -> browser.textOf("#confirm-wait")
                .startsWith("You can try again now"));

        // Once the wait is over, the right code turns it on.
        browser.typeAndEnter("#confirm-code", Rfc6238.totp(secret, Rfc6238.stepWithTimeToSpare()));
        browser.visible("#recovery-codes li");
        assertThat(browser.textOf("#confirm-wait")).isEmpty();
    }

    @Test
    void aNewNumbersCode_warnsBeforeTheWait_thenCountsItDownLive_withTurnOnHeld_andTheSummarySaysTheSameFigure()
            throws Exception {
        browser.reset(base);
        User user = User.fresh("sms-wait");
        String phone = "+4520" + mobileDigits();
        devSignIn(user);
        browser.open(base + "/#settings");
        browser.awaitText("#sum-signin", "Ready");
        int before = client.smsCount(phone);
        browser.typeAndEnter("#sms-phone", phone);
        String code = client.awaitSmsCode(phone, before);
        WrongCode wrong = () -> "000000".equals(code) ? "000001" : "000000";

        warnedOfTheWait("#sms-enable-code", "#sms-enable-code-error", wrong);
        assertThat(browser.textOf("#sms-enable-code-error")).startsWith("That code is not valid. Use the code from");
        String first = waitLongEnough(
                "#sms-enable-code", "#sms-enable-confirm-form button[type=submit]", "#sms-enable-wait", wrong);
        assertThat(first).contains("Too many wrong codes in a row. You can try again in", "after 100 in a row");
        // The summary's Code entry: the same figure, counting down with it (no more "Ready" meanwhile).
        sameFigure("#sms-enable-wait", "#sum-signin", "Paused after wrong codes: you can try again in");
        assertNoRequestWhileHeld("#sms-enable-code", "/2fa/sms/confirm");
        browser.await().withMessage("the countdown to move").until(d -> !browser.textOf("#sms-enable-wait")
                .equals(first));
        sameFigure("#sms-enable-wait", "#sum-signin", "Paused after wrong codes: you can try again in");
        browser.screenshot("settings-sms-enable-wait-countdown");
        browser.await().withTimeout(Duration.ofSeconds(30)).until(d -> browser.textOf("#sms-enable-wait")
                .startsWith("You can try again now"));
        assertThat(browser.driver()
                        .findElement(By.cssSelector("#sms-enable-confirm-form button[type=submit]"))
                        .getDomAttribute("aria-disabled"))
                .isNull();
        browser.awaitText("#sum-signin", "Ready");
        // Use another number: the texted-code step and its wait notice go.
        browser.click("#sms-enable-confirm-form [data-cancel]");
        browser.awaitHidden("#sms-enable-confirm-form");
        assertThat(browser.script("return document.getElementById('sms-enable-wait').hidden"))
                .isEqualTo(true);
    }

    @Test
    void aWaitStartedElsewhere_countsDownInTheSummary_andHoldsANewNumbersCodeStep_toTheSameFigure() throws Exception {
        browser.reset(base);
        User user = User.fresh("elsewhere");
        String token = client.devToken(user.sub(), user.email());
        client.post("/2fa/totp/enable", token, null);
        String link = client.activationLink(user.email());
        String secret = (String) client.post(
                        "/2fa/totp/activate",
                        token,
                        Map.of("token", link.substring(link.indexOf("#token=") + "#token=".length())))
                .get("secret");
        // Another tab's wrong setup codes, over the API, until a wait of 16 s runs.
        waitOverApi(token, secret, 16);

        devSignIn(user);
        browser.open(base + "/#settings");
        browser.awaitText("#sum-signin", "Paused after wrong codes: you can try again in");
        String phone = "+4520" + mobileDigits();
        int before = client.smsCount(phone);
        browser.typeAndEnter("#sms-phone", phone);
        client.awaitSmsCode(phone, before);
        // The texted code counts toward the same lockout: its step opens held, to the summary's figure.
        browser.awaitText("#sms-enable-wait", "Too many wrong codes in a row. You can try again in");
        assertThat(browser.driver()
                        .findElement(By.cssSelector("#sms-enable-confirm-form button[type=submit]"))
                        .getDomAttribute("aria-disabled"))
                .isEqualTo("true");
        sameFigure("#sms-enable-wait", "#sum-signin", "Paused after wrong codes: you can try again in");
        browser.await().withTimeout(Duration.ofSeconds(30)).until(d -> "Ready".equals(browser.textOf("#sum-signin")));
        browser.awaitText("#sms-enable-wait", "You can try again now");
        assertThat(browser.driver()
                        .findElement(By.cssSelector("#sms-enable-confirm-form button[type=submit]"))
                        .getDomAttribute("aria-disabled"))
                .isNull();
    }

    @Test
    void theFirstSendCode_countsDownTheSendIntervalLive_withTheButtonHeld() throws Exception {
        browser.reset(base);
        User user = User.fresh("sms-send-wait");
        String phone = "+4520" + mobileDigits();
        devSignIn(user);
        browser.open(base + "/#settings");
        int before = client.smsCount(phone);
        browser.typeAndEnter("#sms-phone", phone);
        client.awaitSmsCode(phone, before);
        // Back to the number (Escape), and Send code again at once: the send interval holds it.
        browser.await().until(d -> "sms-enable-code".equals(browser.focusedId()));
        browser.keys(Keys.ESCAPE);
        browser.awaitHidden("#sms-enable-confirm-form");
        browser.visible("#sms-enable-send").click();
        assertHeldCountingDown("#sms-enable-send", "#sms-enable-send-error", "You can ask for a new code in");
        assertThat(browser.textOf("#sms-phone-error"))
                .as("one figure, beside the button only")
                .isEmpty();
        // A press while held sends nothing: it says the wait again.
        String requests = "return performance.getEntriesByType('resource')"
                + ".filter(e => e.name.includes('/2fa/sms/send')).length";
        Object sent = browser.script(requests);
        browser.script("document.getElementById('announcer').textContent = '';");
        browser.driver().findElement(By.id("sms-phone")).sendKeys(Keys.ENTER);
        browser.awaitAnnounced("You can ask for a new code in");
        assertThat(browser.script(requests)).as("requests sent while held").isEqualTo(sent);
        assertThat(client.smsCount(phone)).isEqualTo(before + 1);
        browser.screenshot("settings-sms-send-countdown");
    }

    @Test
    void aLock_saysWhatItMeansAndWhomToContact() throws Exception {
        browser.reset(base);
        User user = User.fresh("locked");
        Enrolled enrolled = enableTotpOverApi(user);
        devSignIn(user);
        browser.visible("#verify-totp-form");
        // 100 wrong codes take hours of waits: the page is given the API's answer to the 100th instead.
        browser.script("const real = window.fetch; window.fetch = (url, init) => String(url).endsWith('/2fa/verify')"
                + " ? Promise.resolve(new Response(JSON.stringify({type: 'urn:twofa:problem:factor-locked',"
                + " title: 'Locked', status: 429, detail: 'Locked.'}), {status: 429,"
                + " headers: {'Content-Type': 'application/problem+json'}})) : real(url, init);");
        browser.typeAndEnter("#verify-code", Rfc6238.wrongCode(enrolled.secret()));
        browser.awaitText("#verify-wait", "locked after 100 wrong codes in a row");
        assertThat(browser.textOf("#verify-wait"))
                .contains(
                        "no code, recovery code or text message signs you in",
                        "Contact your service's support team",
                        "set it up again",
                        "change it");
        assertThat(browser.textOf("#verify-code-error")).isEmpty();
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
        String phone = "+4520" + mobileDigits();
        int sent = client.smsCount(phone);
        browser.typeAndEnter("#sms-phone", phone);
        client.awaitSmsCode(phone, sent);
        browser.visible("#sms-enable-code");
        results.put("settings: text message code step", axe());

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
        browser.typeAndEnter("#stepup-code", Rfc6238.totp(secret, Rfc6238.currentStep() + 1));
        browser.visible("#recovery-card #recovery-codes li");
        results.put("settings: new recovery codes", axe());
        browser.click("#codes-saved");
        browser.click("#codes-form button[type=submit]");
        browser.awaitHidden("#activate-codes");

        browser.open(base + "/#verify");
        browser.visible("#verify-totp-form");
        browser.typeAndEnter("#verify-code", Rfc6238.wrongCode(secret));
        browser.visible("#verify-code-error");
        results.put("sign-in step (with an error)", axe());
        browser.open(base + "/#inbox");
        browser.visible("#inbox-list li");
        results.put("dev inbox", axe());

        // A wait counting down (its notice, the held button, the summary's figure), on its own account.
        browser.reset(base);
        User waiting = User.fresh("axe-wait");
        devSignIn(waiting);
        browser.open(base + "/#settings");
        String waitPhone = "+4520" + mobileDigits();
        int waitSent = client.smsCount(waitPhone);
        browser.typeAndEnter("#sms-phone", waitPhone);
        String texted = client.awaitSmsCode(waitPhone, waitSent);
        String wrong = "000000".equals(texted) ? "000001" : "000000";
        // Wrong codes until a wait of a few seconds counts down, its button held, while axe scans.
        warnedOfTheWait("#sms-enable-code", "#sms-enable-code-error", () -> wrong);
        waitLongEnough(
                "#sms-enable-code", "#sms-enable-confirm-form button[type=submit]", "#sms-enable-wait", () -> wrong);
        results.put("settings: a wait after wrong codes, counting down", axe());

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

    /** axe-core's violations on the page as it is now ({@link Browser#axe()}). */
    private static List<Map<String, Object>> axe() throws Exception {
        return browser.axe();
    }

    private record Enrolled(String secret, long step, List<String> codes) {}

    private static Enrolled enableTotpOverApi(User user) throws Exception {
        String token = client.devToken(user.sub(), user.email());
        client.post("/2fa/totp/enable", token, null);
        String link = client.activationLink(user.email());
        String activationToken = link.substring(link.indexOf("#token=") + "#token=".length());
        String secret = (String) client.post("/2fa/totp/activate", token, Map.of("token", activationToken))
                .get("secret");
        long step = Rfc6238.stepWithTimeToSpare();
        @SuppressWarnings("unchecked")
        List<String> codes =
                (List<String>) client.post("/2fa/totp/confirm", token, Map.of("code", Rfc6238.totp(secret, step)))
                        .get("recoveryCodes");
        return new Enrolled(secret, step, codes);
    }

    /** A code the server takes now: newer than the step spent at enrollment (RFC 6238 §5.2). */
    private static String nextCode(Enrolled enrolled) throws Exception {
        return Rfc6238.totp(enrolled.secret(), Math.max(enrolled.step() + 1, Rfc6238.currentStep()));
    }

    /**
     * {@code other} says the same figure as {@code wait} ("in 7 seconds"), read at one moment (each
     * ticks on its own timer: a read between two ticks is tried again).
     */
    private static void sameFigure(String wait, String other, String prefix) {
        Pattern seconds = Pattern.compile("in (\\d+) seconds");
        List<String> seen = new ArrayList<>();
        browser.await()
                .withMessage(() -> other + " to say the figure of " + wait + ": " + seen)
                .until(d -> {
                    @SuppressWarnings("unchecked")
                    List<String> texts = (List<String>) browser.script(
                            "return [document.querySelector(arguments[0])"
                                    + ".textContent, document.querySelector(arguments[1]).textContent]",
                            wait,
                            other);
                    seen.add(String.valueOf(texts));
                    Matcher a = seconds.matcher(texts.get(0));
                    Matcher b = seconds.matcher(texts.get(1));
                    return texts.get(1).startsWith(prefix)
                            && a.find()
                            && b.find()
                            && a.group(1).equals(b.group(1));
                });
    }

    /**
     * Wrong first codes over the API (POST /2fa/totp/confirm), each once the last wait is over,
     * until the account waits {@code atLeast} seconds (the waits double from 1 s).
     */
    @SuppressWarnings("unchecked")
    private static void waitOverApi(String token, String secret, int atLeast) throws Exception {
        for (int attempt = 0; attempt < 15; attempt++) {
            HttpResponse<String> answer =
                    client.send("POST", "/2fa/totp/confirm", token, "{\"code\":\"" + Rfc6238.wrongCode(secret) + "\"}");
            if (answer.statusCode() == 429) {
                Thread.sleep(answer.headers().firstValueAsLong("Retry-After").orElse(1) * 1000 + 200);
                continue;
            }
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
            Map<String, Object> signIn =
                    (Map<String, Object>) client.get("/2fa/status", token).get("signIn");
            long wait = ((Number) signIn.get("retryAfterSeconds")).longValue();
            if (wait >= atLeast) {
                return;
            }
            Thread.sleep(wait * 1000 + 200);
        }
        throw new AssertionError("no wait of " + atLeast + " s or more after wrong codes over the API");
    }

    /** A press (Enter in {@code input}) while held sends nothing to {@code path}: it says the wait again. */
    private static void assertNoRequestWhileHeld(String input, String path) {
        String requests = "return performance.getEntriesByType('resource')" + ".filter(e => e.name.includes('" + path
                + "')).length";
        Object sent = browser.script(requests);
        browser.script("document.getElementById('announcer').textContent = '';");
        browser.driver().findElement(By.cssSelector(input)).sendKeys(Keys.ENTER);
        browser.awaitAnnounced("You can try again in");
        assertThat(browser.script(requests)).as("requests sent while held").isEqualTo(sent);
    }

    /** The button is held (aria-disabled) while the text beside it counts down, live. */
    private static void assertHeldCountingDown(String button, String text, String prefix) {
        browser.awaitText(text, prefix);
        assertThat(browser.driver().findElement(By.cssSelector(button)).getDomAttribute("aria-disabled"))
                .as(button + " held")
                .isEqualTo("true");
        String first = browser.textOf(text);
        browser.await()
                .withMessage(() -> text + " to count down from \"" + first + "\"")
                .until(d -> !browser.textOf(text).equals(first));
        assertThat(browser.textOf(text)).startsWith(prefix);
    }

    /**
     * Wrong codes, each once the last wait is over, until one starts a wait of at least 4 s (the
     * waits double from 1 s): returns the countdown's first text, {@code submit} held.
     */
    private static String waitLongEnough(String input, String submit, String wait, String secret) throws Exception {
        return waitLongEnough(input, submit, wait, () -> Rfc6238.wrongCode(secret));
    }

    /** A code the server refuses: a wrong authenticator code, or not the texted one. */
    @FunctionalInterface
    private interface WrongCode {
        String next() throws Exception;
    }

    private static String waitLongEnough(String input, String submit, String wait, WrongCode wrong) throws Exception {
        return waitLongEnough(input, submit, wait, wrong, 4);
    }

    private static String waitLongEnough(String input, String submit, String wait, WrongCode wrong, int atLeast)
            throws Exception {
        Pattern seconds = Pattern.compile("in (\\d+) seconds");
        for (int attempt = 0; attempt < 8; attempt++) {
            browser.await()
                    .withTimeout(Duration.ofSeconds(20))
                    .until(d -> d.findElement(By.cssSelector(submit)).getDomAttribute("aria-disabled") == null);
            browser.typeAndEnter(input, wrong.next());
            try {
                browser.await().withTimeout(Duration.ofSeconds(5)).until(d -> browser.textOf(wait)
                        .startsWith("Too many wrong codes"));
            } catch (TimeoutException e) {
                continue;
            }
            String text = browser.textOf(wait);
            Matcher matcher = seconds.matcher(text);
            if (matcher.find() && Integer.parseInt(matcher.group(1)) >= atLeast) {
                assertThat(browser.driver().findElement(By.cssSelector(submit)).getDomAttribute("aria-disabled"))
                        .as(submit + " held")
                        .isEqualTo("true");
                return text;
            }
        }
        throw new AssertionError("no wait of " + atLeast + " s or more after wrong codes");
    }

    /**
     * Wrong codes until the answer warns that the next one starts a wait: each says how many more
     * are left before it ("After 3 more wrong codes in a row…").
     */
    private static void warnedOfTheWait(String input, String error, String secret) throws Exception {
        warnedOfTheWait(input, error, () -> Rfc6238.wrongCode(secret));
    }

    private static void warnedOfTheWait(String input, String error, WrongCode wrong) throws Exception {
        browser.typeAndEnter(input, wrong.next());
        browser.awaitText(error, "more wrong codes in a row you will have to wait before you can try again");
        for (int i = 0; i < 4 && !browser.textOf(error).contains("One more wrong code"); i++) {
            String before = browser.textOf(error);
            browser.typeAndEnter(input, wrong.next());
            browser.await()
                    .until(d -> !browser.textOf(error).isEmpty()
                            && !browser.textOf(error).equals(before));
        }
        assertThat(browser.textOf(error))
                .contains("One more wrong code and you will have to wait before you can try again.");
    }

    /**
     * Six digits that make a valid Danish mobile number after +45 20 (libphonenumber refuses some
     * ranges, e.g. +45 20 00…), unlikely to repeat within a run.
     */
    private static String mobileDigits() {
        return ThreadLocalRandom.current().nextInt(10, 100) + "34"
                + ThreadLocalRandom.current().nextInt(10, 100);
    }

    private static void devSignIn(User user) {
        browser.visible("#dev-sub");
        browser.type("#dev-sub", user.sub());
        browser.type("#dev-email", user.email());
        browser.click("#dev-signin-form button[type=submit]");
        browser.await().until(d -> !d.findElement(By.id("view-signin")).isDisplayed());
    }

    private static boolean displayed(String css) {
        return browser.driver().findElements(By.cssSelector(css)).stream().anyMatch(WebElement::isDisplayed);
    }
}
