package dev.twofa.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.ReaderException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.twofa.localrun.LocalRunFixture;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;

/**
 * The reference web client (web/) in headless Chromium against the local run, as a user would use
 * it: the activation link from the Dev inbox, the QR code decoded from the screen, TOTP codes
 * computed here from the secret ({@link Rfc6238}), SMS codes read from the outbox. Screenshots of the
 * main screens go to target/screenshots/.
 */
class BrowserE2EIT {
    /** Short, so the resend button's wait for the server's Retry-After is seen without slowing the suite. */
    private static final int SECONDS_BETWEEN_SMS = 4;

    @RegisterExtension
    static final LocalRunFixture LOCAL =
            LocalRunFixture.withEnv(Map.of("SMS_SECONDS_BETWEEN_SENDS", Integer.toString(SECONDS_BETWEEN_SMS)));

    private static Browser browser;
    private static LocalRunClient client;
    private static String base;

    private static final Path SCREENSHOTS = Path.of(System.getProperty("twofa.screenshots", "target/screenshots"));

    /** When this test last had an SMS sent, to keep SECONDS_BETWEEN_SMS between its own sends. */
    private Instant lastSms = Instant.EPOCH;

    private record User(String sub, String email) {}

    /** TOTP set up over the API: the secret, the step its confirmation spent, and the recovery codes. */
    private record Enrolled(String secret, long step, List<String> codes) {}

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start(SCREENSHOTS);
        base = LOCAL.baseUrl().toString();
        client = new LocalRunClient(LOCAL.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void newTab() {
        browser.reset(base);
    }

    @Test
    void authenticatorApp_enableByEmailLink_scanQr_signInWithCodeAndRecoveryCode_replayRefused_disable()
            throws Exception {
        User user = newUser("totp");
        browser.visible("#dev-signin");
        browser.screenshot("sign-in");
        signIn(user);

        // Settings > Security > Set up authenticator app: "check your email".
        browser.visible("#totp-off");
        assertThat(browser.textOf("#totp-badge")).isEqualTo("Off");
        browser.click("#totp-enable");
        browser.visible("#totp-check-email");
        browser.awaitText("#sum-totp", "Waiting for the email link");
        browser.awaitAnnounced("Check your email");
        browser.screenshot("settings-check-email");

        // The Dev inbox, newest first; the link in the email is clickable and opens the client.
        browser.click("a[data-nav=inbox]");
        browser.awaitText("#inbox-list", user.email());
        browser.screenshot("dev-inbox");
        WebElement link = browser.driver()
                .findElement(By.xpath("//ol[@id='inbox-list']/li[contains(p[@class='meta'], '" + user.email()
                        + "') and h2='Activate two-factor authentication']//a"));
        assertThat(link.getText()).startsWith(base + "/activate#token=");
        link.click();

        // The link's token is read from the fragment and gone from the address bar.
        browser.visible("#activate-setup");
        assertThat(browser.currentUrl()).isEqualTo(base + "/#activate");

        // Scan: the QR code as the screen shows it, every module the same whole number of pixels.
        String otpauth = scanQr("#qr");
        List<?> shown = (List<?>) browser.script("const qr = document.getElementById('qr');"
                + " return [qr.naturalWidth / 6, qr.getBoundingClientRect().width * window.devicePixelRatio];");
        double modules = ((Number) shown.get(0)).doubleValue();
        double devicePixels = ((Number) shown.get(1)).doubleValue();
        assertThat(devicePixels / modules)
                .as("screen pixels per module of the QR code (%s modules in %s px)", modules, devicePixels)
                .isGreaterThanOrEqualTo(3)
                .satisfies(perModule -> assertThat(perModule % 1).isZero());
        assertThat(otpauth)
                .startsWith("otpauth://totp/")
                .contains(URLEncoder.encode(user.email(), StandardCharsets.UTF_8));
        String secret = queryParameter(otpauth, "secret");
        assertThat(browser.textOf("#secret"))
                .as("the secret, grouped by four")
                .matches("([A-Z2-7]{4} )*[A-Z2-7]{1,4}")
                .isEqualTo(secret.replaceAll("(.{4})(?=.)", "$1 "));
        browser.screenshot("activation-qr");

        // A wrong code: the API's answer next to the field, and announced.
        browser.typeAndEnter("#confirm-code", "000000");
        browser.awaitText("#confirm-code-error", "That code is not valid");
        assertThat(browser.visible("#confirm-code").getDomAttribute("aria-invalid"))
                .isEqualTo("true");
        browser.awaitAnnounced("That code is not valid");

        long step = Rfc6238.stepWithTimeToSpare();
        browser.typeAndEnter("#confirm-code", Rfc6238.totp(secret, step));
        browser.visible("#activate-codes");
        List<String> codes = browser.driver().findElements(By.cssSelector("#recovery-codes li")).stream()
                .map(WebElement::getText)
                .toList();
        assertThat(codes)
                .hasSize(10)
                .doesNotHaveDuplicates()
                .allMatch(c -> c.matches("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}"));
        assertThat(browser.driver().getPageSource())
                .as("the secret, once confirmed")
                .doesNotContain(secret);
        assertThat(browser.driver().findElement(By.id("qr")).getDomAttribute("src"))
                .isNull();
        browser.screenshot("recovery-codes");

        browser.click("#codes-form button[type=submit]");
        browser.awaitText("#codes-saved-error", "Tick the box");
        browser.click("#codes-saved");
        browser.click("#codes-form button[type=submit]");
        browser.visible("#activate-done");
        assertThat(browser.driver().getPageSource())
                .as("recovery codes are shown once")
                .doesNotContain(codes.get(0), codes.get(9));

        browser.click("#activate-done a.button");
        browser.visible("#totp-on");
        browser.awaitText("#sum-recovery", "10");
        assertThat(browser.textOf("#totp-badge")).isEqualTo("On");
        browser.screenshot("settings-security");

        // Sign-in step with a code from the app; the step used at enrollment is spent, so the next.
        browser.click("a[data-nav=verify]");
        browser.visible("#verify-totp-form");
        browser.screenshot("sign-in-step");
        String code = Rfc6238.totp(secret, Math.max(step + 1, Rfc6238.currentStep()));
        browser.typeAndEnter("#verify-code", code);
        browser.visible("#verify-done");
        browser.awaitText("#verify-done-text", "authenticator app");

        // The same code again is refused (RFC 6238 §5.2), next to the field.
        browser.click("a[data-nav=verify]");
        browser.awaitHidden("#verify-done");
        browser.typeAndEnter("#verify-code", code);
        browser.awaitText("#verify-code-error", "That code is not valid");
        browser.awaitAnnounced("That code is not valid");
        browser.screenshot("sign-in-replay-refused");

        // A recovery code instead.
        browser.click("button[data-use-method=recovery]");
        browser.typeAndEnter("#verify-recovery", codes.get(0));
        browser.visible("#verify-done");
        browser.awaitText("#verify-done-text", "You have 9 recovery codes left");

        // Turn off (the app) right after that sign-in step: the sign-in proves the factor, no code is asked for.
        browser.click("a[data-nav=settings]");
        browser.click("#totp-disable-start");
        browser.visible("#totp-on-stepup #stepup-form");
        browser.awaitText("#stepup-why", "You confirmed it's you when you signed in a moment ago");
        assertThat(browser.textOf("#stepup-title")).isEqualTo("Turn off the authenticator app");
        assertThat(displayed("#stepup-code")).as("a code field").isFalse();
        assertThat(displayed("#stepup-recovery")).as("a recovery code field").isFalse();
        browser.screenshot("settings-step-up-recent-sign-in");
        browser.click("#stepup-submit");
        browser.visible("#totp-off");
        browser.awaitText("#totp-badge", "Off");
        browser.awaitAnnounced("The authenticator app is off");

        assertThat(client.messagesTo(user.email()))
                .extracting(m -> m.get("subject"))
                .contains(
                        "Two-factor authentication is on",
                        "A recovery code was used to sign in",
                        "Authenticator app turned off for two-factor authentication");
    }

    @Test
    void sms_enableWithNumber_signInWithTextedCode_resendWaitsForRetryAfter_disableWithBin() throws Exception {
        User user = newUser("sms");
        String phone = "+45 20 " + twoDigits() + " 34 " + twoDigits();
        String e164 = phone.replace(" ", "");
        String masked = "+45 •••• ••" + e164.substring(e164.length() - 2);
        signIn(user);
        browser.visible("#sms-off");

        // Not a valid number: the API's sentence next to the phone field.
        browser.typeAndEnter("#sms-phone", "+45 12345678");
        browser.awaitText("#sms-phone-error", "not a valid phone number");
        assertThat(browser.visible("#sms-phone").getDomAttribute("aria-invalid"))
                .isEqualTo("true");
        browser.awaitAnnounced("not a valid phone number");

        int before = client.smsCount(e164);
        browser.typeAndEnter("#sms-phone", phone);
        lastSms = Instant.now();
        browser.visible("#sms-enable-confirm-form");
        // The number as typed until it is confirmed (issue 15), masked once on.
        browser.awaitText("#sms-enable-sent", "We sent a code to " + phone + ".");
        browser.screenshot("sms-enter-code");
        browser.typeAndEnter("#sms-enable-code", client.awaitSmsCode(e164, before));
        browser.visible("#sms-on");
        browser.awaitText("#sms-number", masked);
        assertThat(browser.textOf("#sms-badge")).isEqualTo("On");
        browser.awaitAnnounced("Text message (SMS) is on");
        browser.screenshot("settings-sms-on");

        // Sign-in step by text message.
        browser.click("a[data-nav=verify]");
        browser.visible("#verify-sms-send-form");
        assertThat(browser.textOf("#verify-sms-number")).isEqualTo(masked);
        awaitSmsWindow();
        before = client.smsCount(e164);
        browser.click("#verify-sms-send-form button[type=submit]");
        lastSms = Instant.now();
        browser.visible("#verify-sms-form");

        // Resend at once: the server answers 429 with Retry-After, the button waits until then.
        browser.click("#verify-sms-resend");
        browser.awaitText("#verify-sms-resend-error", "You can ask for a new code in");
        assertThat(browser.visible("#verify-sms-resend").getDomAttribute("aria-disabled"))
                .isEqualTo("true");
        browser.awaitAnnounced("You can ask for a new code in");
        browser.screenshot("sign-in-sms-retry-after");
        client.awaitSmsCode(e164, before);
        browser.await()
                .withTimeout(Duration.ofSeconds(SECONDS_BETWEEN_SMS + 5))
                .until(d -> browser.visible("#verify-sms-resend").getDomAttribute("aria-disabled") == null);
        assertThat(browser.driver()
                        .findElement(By.id("verify-sms-resend-error"))
                        .isDisplayed())
                .isFalse();
        awaitSmsWindow();
        before = client.smsCount(e164);
        browser.click("#verify-sms-resend");
        lastSms = Instant.now();
        String code = client.awaitSmsCode(e164, before);
        browser.awaitAnnounced("New code sent");
        browser.typeAndEnter("#verify-sms-code", code);
        browser.visible("#verify-done");
        browser.awaitText("#verify-done-text", "text message");

        // Off with the bin right after that sign-in: it proves the factor, so no code is texted for this.
        // (The texted code that turns SMS off: stepUp_smsOnlyUser_turnsOnTheApp_provingItBySignInByText.)
        browser.click("a[data-nav=settings]");
        browser.visible("#sms-on");
        int texted = client.smsCount(e164);
        browser.click("#sms-disable-start");
        browser.visible("#sms-on-stepup #stepup-form");
        browser.awaitText("#stepup-why", "signed in a moment ago");
        assertThat(browser.textOf("#stepup-about")).contains(masked);
        browser.screenshot("settings-sms-disable");
        browser.click("#stepup-submit");
        browser.visible("#sms-off");
        assertThat(client.smsCount(e164)).as("texts sent to turn SMS off").isEqualTo(texted);
        browser.awaitText("#sms-badge", "Off");
        browser.awaitAnnounced("Text message (SMS) is off");

        assertThat(client.messagesTo(user.email()))
                .extracting(m -> m.get("subject"))
                .contains(
                        "Text message (SMS) turned on for two-factor authentication",
                        "Text message (SMS) turned off for two-factor authentication");
    }

    @Test
    void keyboardOnly_signInWithRecoveryCode_newCodesConfirmedByThatSignIn_thenDisableWithANewCode() throws Exception {
        User user = newUser("keys");
        List<String> codes = enableTotpOverApi(user).codes();

        // Only Tab, Enter, arrow keys and typing from here on: nothing is clicked.
        browser.visible("#dev-sub");
        browser.tabTo("#dev-sub");
        browser.keys(user.sub(), Keys.TAB);
        assertThat(browser.focusedId()).isEqualTo("dev-email");
        browser.keys(user.email(), Keys.ENTER);

        browser.visible("#verify-totp-form");
        browser.tabTo("button[data-use-method=recovery]");
        browser.keys(Keys.ENTER);
        browser.await().until(d -> "verify-recovery".equals(browser.focusedId()));
        browser.keys(codes.get(0), Keys.ENTER);
        browser.visible("#verify-done");
        browser.await().until(d -> "verify-done-title".equals(browser.focusedId()));

        browser.tabTo("#verify-done a.button");
        browser.keys(Keys.ENTER);
        browser.visible("#totp-on");

        // New recovery codes: the sign-in just made confirms it, so the panel asks for nothing.
        browser.tabTo("#regen-start");
        browser.keys(Keys.ENTER);
        browser.await().until(d -> "stepup-title".equals(browser.focusedId()));
        browser.awaitText("#stepup-why", "signed in a moment ago");
        browser.tabTo("#stepup-submit");
        browser.keys(Keys.ENTER);
        browser.visible("#view-settings #activate-codes");
        browser.await().until(d -> "codes-title".equals(browser.focusedId()));
        List<String> fresh = browser.driver().findElements(By.cssSelector("#recovery-codes li")).stream()
                .map(WebElement::getText)
                .toList();
        assertThat(fresh).hasSize(10).doesNotContainAnyElementsOf(codes);
        browser.tabTo("#codes-saved");
        browser.keys(Keys.SPACE);
        browser.tabTo("#codes-form button[type=submit]");
        browser.keys(Keys.ENTER);
        browser.awaitHidden("#activate-codes");

        // Turn off (the app): that sign-in has confirmed a change already, so now a proof is asked for; a new
        // recovery code, picked with the arrow keys.
        browser.tabTo("#totp-disable-start");
        browser.keys(Keys.ENTER);
        browser.await().until(d -> "stepup-code".equals(browser.focusedId()));
        browser.tabTo("#stepup-with-code");
        browser.keys(Keys.ARROW_DOWN);
        browser.await().until(d -> browser.visible("#stepup-recovery").isDisplayed());
        browser.keys(Keys.TAB);
        assertThat(browser.focusedId()).isEqualTo("stepup-recovery");
        browser.keys(fresh.get(0), Keys.ENTER);
        browser.visible("#totp-off");
        browser.awaitAnnounced("The authenticator app is off");
    }

    @Test
    void newRecoveryCodes_withACurrentCode_oldOnesRefused_newOneSignsIn_activityListsItNewestFirst() throws Exception {
        User user = newUser("regen");
        Enrolled enrolled = enableTotpOverApi(user);
        submitDevSignIn(user);
        browser.visible("#verify-totp-form");
        browser.click("a[data-nav=settings]");
        browser.visible("#totp-on");
        browser.awaitText("#sum-recovery", "10");

        // Shown only while the app is on, next to the count. No sign-in step was passed in this tab, so
        // it asks for a proof and says why; a wrong code is refused next to the field.
        browser.click("#regen-start");
        assertThat(browser.visible("#regen-start").getDomAttribute("aria-expanded"))
                .isEqualTo("true");
        browser.await().until(d -> "stepup-code".equals(browser.focusedId()));
        assertThat(browser.textOf("#stepup-about")).contains("The codes you have now stop working");
        assertThat(browser.textOf("#stepup-why"))
                .isEqualTo("To protect your account, confirm it's you with a code from your authenticator app or a"
                        + " recovery code.");
        browser.typeAndEnter("#stepup-code", "000000");
        browser.awaitText("#stepup-code-error", "That code is not valid");
        assertThat(browser.visible("#stepup-code").getDomAttribute("aria-invalid"))
                .isEqualTo("true");
        browser.awaitAnnounced("That code is not valid");

        // The step spent at enrollment is refused as a replay: the next one, from the secret.
        String code = Rfc6238.totp(enrolled.secret(), Math.max(enrolled.step() + 1, Rfc6238.currentStep()));
        browser.typeAndEnter("#stepup-code", code);
        browser.visible("#view-settings #activate-codes");
        browser.awaitAnnounced("New recovery codes are ready");
        List<String> fresh = browser.driver().findElements(By.cssSelector("#recovery-codes li")).stream()
                .map(WebElement::getText)
                .toList();
        assertThat(fresh)
                .hasSize(10)
                .doesNotHaveDuplicates()
                .allMatch(c -> c.matches("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}"))
                .doesNotContainAnyElementsOf(enrolled.codes());
        assertThat(browser.textOf("#codes-replaced")).contains("earlier recovery codes no longer work");
        assertThat(browser.visible("#codes-copy").isDisplayed()).isTrue();
        assertThat(browser.visible("#codes-download").isDisplayed()).isTrue();
        assertThat(browser.driver().findElement(By.id("stepup-code")).getDomProperty("value"))
                .as("the authenticator code is not kept in the field")
                .isEmpty();
        assertThat(displayed("#stepup-form")).isFalse();
        assertThat(browser.visible("#regen-start").getDomAttribute("aria-expanded"))
                .isEqualTo("false");
        browser.screenshot("settings-regenerate-codes");

        browser.click("#codes-form button[type=submit]");
        browser.awaitText("#codes-saved-error", "Tick the box");
        browser.click("#codes-saved");
        browser.click("#codes-form button[type=submit]");
        browser.awaitHidden("#activate-codes");
        browser.awaitAnnounced("new recovery codes are saved");
        assertThat(browser.driver().getPageSource())
                .as("new recovery codes are shown once")
                .doesNotContain(fresh.get(0), fresh.get(9));
        browser.awaitText("#sum-recovery", "10");

        // At the sign-in step an old code is refused and a new one works; the assertion never shows.
        browser.click("a[data-nav=verify]");
        browser.click("button[data-use-method=recovery]");
        for (String old : enrolled.codes().subList(0, 4)) {
            browser.typeAndEnter("#verify-recovery", old);
            browser.awaitText("#verify-recovery-error", "That recovery code is not valid");
            browser.awaitHidden("#verify-recovery-form[aria-busy]");
        }
        browser.typeAndEnter("#verify-recovery", fresh.get(0));
        browser.visible("#verify-done");
        browser.awaitText("#verify-done-text", "You have 9 recovery codes left");
        browser.visible("#verify-done-assertion");
        assertThat(browser.driver().getPageSource())
                .as("no signed token on the page")
                .doesNotContainPattern("eyJ[A-Za-z0-9_-]+\\.");

        // Recent security activity, newest first, 10 events at a time. 11 events by now (setup started,
        // link opened, app on, a failed code, codes regenerated, 4 failed old codes, recovery code used,
        // signed in), so "Show more" once, and the second page is not empty. One line per action: the
        // sign-in's own "recovery code used" is not listed beside "Signed in with a recovery code".
        browser.click("a[data-nav=settings]");
        browser.awaitText("#activity-list", "Signed in with a recovery code");
        assertThat(browser.driver().findElements(By.cssSelector("#activity-list li")))
                .hasSize(9);
        assertThat(browser.textOf("#activity-list")).doesNotContain("Recovery code used");
        browser.click("#activity-more");
        browser.await()
                .withMessage(() -> "a second page, but: " + browser.textOf("#activity-more-error"))
                .until(d -> d.findElements(By.cssSelector("#activity-list li")).size() > 9);
        assertThat(browser.script(
                        "return document.activeElement === document.querySelectorAll('#activity-list li')[9]"))
                .as("focus on the first event shown by Show more")
                .isEqualTo(true);
        // Any further page; the last one may be empty (the server cannot always tell in advance).
        while (browser.driver().findElement(By.id("activity-more")).isDisplayed()) {
            int shown = browser.driver()
                    .findElements(By.cssSelector("#activity-list li"))
                    .size();
            browser.click("#activity-more");
            browser.await()
                    .until(d ->
                            d.findElements(By.cssSelector("#activity-list li")).size() > shown
                                    || !d.findElement(By.id("activity-more")).isDisplayed());
        }
        browser.screenshot("settings-activity");
        List<String> labels = browser.driver().findElements(By.cssSelector("#activity-list li .what")).stream()
                .map(WebElement::getText)
                .toList();
        assertThat(labels)
                .containsSubsequence(
                        "Signed in with a recovery code",
                        "Failed sign-in attempt",
                        "New recovery codes created",
                        "Wrong code while confirming a change to two-factor authentication",
                        "Authenticator app turned on",
                        "Authenticator app setup link opened",
                        "Authenticator app setup started");
        assertThat(browser.textOf("#activity-list li")).contains("Recovery code", "IP ");
        @SuppressWarnings("unchecked")
        List<String> times = (List<String>)
                browser.script("return [...document.querySelectorAll('#activity-list time')].map(t => t.dateTime)");
        assertThat(times).hasSameSizeAs(labels);
        assertThat(times.stream().map(Instant::parse).toList())
                .as("newest first")
                .isSortedAccordingTo(Comparator.reverseOrder());

        assertThat(client.messagesTo(user.email()))
                .extracting(m -> m.get("subject"))
                .contains("Your recovery codes were replaced");
    }

    @Test
    void stepUp_enablingSmsWhileTheAppIsOn_asksForACodeAndSaysWhy_thenTextsTheNumber_resendAsksAgain()
            throws Exception {
        User user = newUser("stepup-sms");
        Enrolled enrolled = enableTotpOverApi(user);
        String phone = "+45 20 " + twoDigits() + " 36 " + twoDigits();
        String e164 = phone.replace(" ", "");
        String masked = "+45 •••• ••" + e164.substring(e164.length() - 2);
        // Signed in with the password only: the sign-in step is not passed in this tab.
        submitDevSignIn(user);
        browser.visible("#verify-totp-form");
        browser.click("a[data-nav=settings]");
        browser.visible("#sms-off");

        // The number first; the API wants a proof of the app before it texts anything.
        browser.typeAndEnter("#sms-phone", phone);
        browser.visible("#sms-off-stepup #stepup-form");
        browser.await().until(d -> "stepup-code".equals(browser.focusedId()));
        assertThat(browser.textOf("#stepup-title")).isEqualTo("Confirm it's you");
        assertThat(browser.textOf("#stepup-about")).contains(phone);
        assertThat(browser.textOf("#stepup-why"))
                .isEqualTo("To protect your account, confirm it's you with a code from your authenticator app or a"
                        + " recovery code.");
        browser.awaitAnnounced("To protect your account, confirm it's you");
        assertThat(browser.visible("label[for=stepup-with-recovery]").getText()).isEqualTo("A recovery code");
        assertThat(displayed("label[for=stepup-with-sms]"))
                .as("SMS is not on yet")
                .isFalse();
        assertThat(browser.textOf("#stepup-submit")).isEqualTo("Confirm and send code");
        assertThat(client.smsCount(e164)).as("texts before the proof").isZero();
        browser.screenshot("settings-step-up-code");

        browser.typeAndEnter("#stepup-code", "000000");
        browser.awaitText("#stepup-code-error", "That code is not valid");
        assertThat(browser.visible("#stepup-code").getDomAttribute("aria-invalid"))
                .isEqualTo("true");
        browser.awaitAnnounced("That code is not valid");
        assertThat(client.smsCount(e164)).as("texts after a wrong proof").isZero();

        browser.typeAndEnter("#stepup-code", nextCode(enrolled));
        lastSms = Instant.now();
        browser.visible("#sms-enable-confirm-form");
        browser.awaitText("#sms-enable-sent", "We sent a code to " + phone + ".");
        assertThat(displayed("#stepup-form")).isFalse();
        client.awaitSmsCode(e164, 0);

        // "Resend code": each proof works once, so a new code needs a new proof, and the panel says so;
        // a recovery code this time.
        browser.click("#sms-enable-resend");
        browser.visible("#sms-off-stepup #stepup-form");
        browser.awaitText("#stepup-note", "to get a new code, confirm it's you again");
        assertThat(displayed("#sms-enable-confirm-form")).isFalse();
        assertThat(browser.visible("#sms-phone").getDomProperty("value")).isEqualTo(phone);
        browser.click("label[for=stepup-with-recovery]");
        awaitSmsWindow();
        browser.typeAndEnter("#stepup-recovery", enrolled.codes().get(0));
        lastSms = Instant.now();
        browser.visible("#sms-enable-confirm-form");
        browser.typeAndEnter("#sms-enable-code", client.awaitSmsCode(e164, 1));
        browser.visible("#sms-on");
        browser.awaitText("#sms-number", masked);
        assertThat(browser.textOf("#totp-badge")).isEqualTo("On");
        browser.awaitAnnounced("Text message (SMS) is on");
    }

    @Test
    void stepUp_smsOnlyUser_turnsOnTheApp_provingItBySignInByText_thenTurnsSmsOffWithATextedCode() throws Exception {
        User user = newUser("stepup-app");
        String phone = "+45 20 " + twoDigits() + " 37 " + twoDigits();
        String e164 = phone.replace(" ", "");
        String masked = "+45 •••• ••" + e164.substring(e164.length() - 2);
        String token = client.devToken(user.sub(), user.email());
        client.post("/2fa/sms/send", token, Map.of("purpose", "enable", "phoneNumber", phone));
        lastSms = Instant.now();
        client.post("/2fa/sms/confirm", token, Map.of("purpose", "enable", "code", client.awaitSmsCode(e164, 0)));

        // Signed in with the password only; Security without passing the sign-in step.
        submitDevSignIn(user);
        browser.visible("#verify-sms-send-form");
        browser.click("a[data-nav=settings]");
        browser.visible("#totp-off");

        // Set up authenticator app: the only proof an SMS-only account has is a sign-in by text message, made here.
        browser.click("#totp-enable");
        browser.visible("#totp-off-stepup #stepup-form");
        browser.await().until(d -> "stepup-sms-send".equals(browser.focusedId()));
        assertThat(browser.textOf("#stepup-why"))
                .isEqualTo("To protect your account, confirm it's you with a code we text to " + masked + ".");
        assertThat(displayed("#stepup-ways")).as("a choice of proofs").isFalse();
        assertThat(displayed("#stepup-submit"))
                .as("the change's button, before a code was texted")
                .isFalse();
        assertThat(browser.textOf("#stepup-sms-send")).isEqualTo("Send a code to " + masked);
        assertThat(client.messagesTo(user.email()))
                .extracting(m -> m.get("subject"))
                .doesNotContain("Activate two-factor authentication");
        browser.screenshot("settings-step-up-sms");

        awaitSmsWindow();
        int before = client.smsCount(e164);
        browser.click("#stepup-sms-send");
        lastSms = Instant.now();
        browser.visible("#stepup-sms-code");
        browser.await().until(d -> "stepup-sms-code".equals(browser.focusedId()));
        assertThat(browser.textOf("#stepup-submit")).isEqualTo("Send the setup link");
        browser.typeAndEnter("#stepup-sms-code", client.awaitSmsCode(e164, before));
        browser.visible("#totp-check-email");
        browser.awaitAnnounced("Check your email");
        assertThat(displayed("#stepup-form")).isFalse();

        // The link completes the setup as for anyone.
        browser.open(client.activationLink(user.email()));
        browser.visible("#activate-setup");
        String secret = browser.textOf("#secret").replace(" ", "");
        browser.typeAndEnter("#confirm-code", Rfc6238.totp(secret, Rfc6238.stepWithTimeToSpare()));
        browser.visible("#activate-codes");
        browser.click("#codes-saved");
        browser.click("#codes-form button[type=submit]");
        browser.click("#activate-done a.button");
        browser.visible("#totp-on");
        browser.awaitText("#sum-sms", "On");

        // SMS off: the SMS sign-in was spent on the app, so the bin asks: a texted code or a recovery code.
        browser.click("#sms-disable-start");
        browser.visible("#sms-on-stepup #stepup-form");
        assertThat(browser.textOf("#stepup-why"))
                .isEqualTo("To protect your account, confirm it's you with a code we text to " + masked
                        + " or a recovery code.");
        assertThat(browser.visible("#stepup-with-sms").isSelected()).isTrue();
        assertThat(browser.visible("label[for=stepup-with-recovery]").isDisplayed())
                .isTrue();
        awaitSmsWindow();
        before = client.smsCount(e164);
        browser.click("#stepup-sms-send");
        lastSms = Instant.now();
        String disableCode = client.awaitSmsCode(e164, before);
        assertThat(client.messagesTo(e164).get(0).get("body").toString())
                .contains("to turn off text message (SMS) codes");
        browser.typeAndEnter("#stepup-sms-code", disableCode);
        browser.visible("#sms-off");
        browser.awaitAnnounced("Text message (SMS) is off");
        assertThat(browser.textOf("#totp-badge")).isEqualTo("On");
    }

    @Test
    void enable2fa_withoutAVerifiedEmail_saysWhyNoLinkCame() throws Exception {
        User user = newUser("unverified");
        String token = client.devToken(user.sub(), user.email(), Map.of("email_verified", false));
        browser.click("#token-signin > summary");
        browser.type("#access-token", token);
        browser.click("#token-signin-form button[type=submit]");
        browser.visible("#totp-off");

        browser.click("#totp-enable");
        browser.awaitText("#totp-enable-error", "We send the setup link only to a verified email address");
        assertThat(browser.textOf("#totp-enable-error")).contains(user.email(), "sign in again");
        browser.awaitAnnounced("verified email address");
        assertThat(displayed("#totp-check-email")).isFalse();
        assertThat(client.messagesTo(user.email())).isEmpty();
        browser.screenshot("settings-email-not-verified");
    }

    @Test
    void activationLinkOpenedSignedOut_asksToSignInFirst_andEveryScreenFits360Pixels() throws Exception {
        User user = newUser("narrow");
        String token = client.devToken(user.sub(), user.email());
        client.post("/2fa/totp/enable", token, null);
        String link = client.activationLink(user.email());

        browser.resize(360, 900);
        try {
            browser.open(link);
            assertThat((Number) browser.script("return window.innerWidth"))
                    .extracting(Number::intValue)
                    .as("the viewport really is narrow")
                    .isEqualTo(360);
            browser.visible("#signin-activation-note");
            assertThat(browser.currentUrl()).isEqualTo(base + "/#activate");
            browser.assertNoHorizontalScroll();
            browser.screenshot("sign-in-360px");

            submitDevSignIn(user);
            browser.visible("#activate-setup");
            browser.assertNoHorizontalScroll();
            browser.screenshot("activation-qr-360px");

            String secret = browser.textOf("#secret").replace(" ", "");
            browser.typeAndEnter("#confirm-code", Rfc6238.totp(secret, Rfc6238.stepWithTimeToSpare()));
            browser.visible("#activate-codes");
            browser.assertNoHorizontalScroll();
            browser.screenshot("recovery-codes-360px");

            browser.click("#codes-saved");
            browser.click("#codes-form button[type=submit]");
            browser.click("#activate-done a.button");
            browser.visible("#totp-on");
            browser.awaitText("#sum-recovery", "10");
            browser.assertNoHorizontalScroll();
            browser.screenshot("settings-security-360px");

            browser.click("#totp-disable-start");
            browser.visible("#stepup-code");
            browser.click("label[for=stepup-with-recovery]");
            browser.visible("#stepup-recovery");
            browser.assertNoHorizontalScroll();
            browser.screenshot("settings-step-up-360px");
        } finally {
            browser.resize(Browser.WIDTH, Browser.HEIGHT);
        }
    }

    @Test
    void everyField_hasALabel_codeFieldsAskForOneTimeCodesOnANumericKeypad_errorsAreLive() {
        browser.visible("#dev-signin");

        @SuppressWarnings("unchecked")
        List<String> unlabeled = (List<String>)
                browser.script(
                        """
                return [...document.querySelectorAll('input, textarea, select')].filter(el => {
                  const byLabel = [...(el.labels || [])].some(l => l.textContent.trim());
                  const byAria = (el.getAttribute('aria-label') || '').trim()
                    || (el.getAttribute('aria-labelledby') || '').split(' ')
                         .some(id => document.getElementById(id)?.textContent.trim());
                  return !byLabel && !byAria;
                }).map(el => el.id || el.outerHTML);
                """);
        assertThat(unlabeled).as("fields without a label").isEmpty();

        @SuppressWarnings("unchecked")
        List<String> nameless = (List<String>)
                browser.script(
                        """
                return [...document.querySelectorAll('button, a[href]')]
                  .filter(el => !(el.textContent.trim() || (el.getAttribute('aria-label') || '').trim()))
                  .map(el => el.id || el.outerHTML);
                """);
        assertThat(nameless).as("buttons and links without a name").isEmpty();

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> codeFields = (List<Map<String, Object>>)
                browser.script(
                        """
                return [...document.querySelectorAll('input[name=code]')].map(el => ({
                  id: el.id, autocomplete: el.getAttribute('autocomplete'), inputmode: el.getAttribute('inputmode')
                }));
                """);
        assertThat(codeFields).as("6-digit code fields").hasSizeGreaterThanOrEqualTo(6);
        assertThat(codeFields).allSatisfy(field -> {
            assertThat(field).as("%s", field.get("id")).containsEntry("autocomplete", "one-time-code");
            assertThat(field).as("%s", field.get("id")).containsEntry("inputmode", "numeric");
        });

        assertThat(browser.script("return document.getElementById('announcer').getAttribute('aria-live')"))
                .isEqualTo("assertive");
        assertThat(browser.script("return document.documentElement.lang")).isEqualTo("en");

        // A sign-in with no user id: the sentence next to the field and in the live region.
        browser.click("#dev-signin-form button[type=submit]");
        browser.awaitText("#dev-sub-error", "Enter a user id.");
        browser.awaitAnnounced("Enter a user id.");
        assertThat(browser.focusedId()).isEqualTo("dev-sub");
    }

    @Test
    void withoutDevEndpoints_onlyTheTokenSignInShows_andAPastedTokenSignsIn() throws Exception {
        User user = newUser("token");
        String token = client.devToken(user.sub(), user.email());

        // An API base URL where no /dev/token answers, as for a deployed API.
        browser.script("localStorage.setItem('twofa.apiBaseUrl', arguments[0])", base + "/not-the-local-run");
        browser.open(base + "/#signin");
        browser.visible("#token-signin-form");
        assertThat(browser.driver().findElement(By.id("dev-signin")).isDisplayed())
                .isFalse();
        assertThat(browser.driver().findElements(By.cssSelector("a[data-nav=inbox]")).stream()
                        .anyMatch(WebElement::isDisplayed))
                .isFalse();

        // Back to this API; a token from "the identity provider", pasted.
        browser.script("localStorage.removeItem('twofa.apiBaseUrl')");
        browser.open(base + "/#signin");
        browser.click("#token-signin > summary");
        browser.type("#access-token", "not a token");
        browser.click("#token-signin-form button[type=submit]");
        browser.awaitText("#access-token-error", "a JWT has three parts");
        browser.type("#access-token", token);
        browser.click("#token-signin-form button[type=submit]");
        browser.visible("#view-settings");
        browser.awaitText("#who", user.sub());
    }

    // --- Steps ---------------------------------------------------------------------------------

    private static User newUser(String prefix) {
        String sub = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        return new User(sub, sub + "@example.test");
    }

    /** The local run's sign-in, the user id and email typed as a developer would, landing on Security. */
    private static void signIn(User user) {
        submitDevSignIn(user);
        browser.awaitText("#who", user.sub());
    }

    private static void submitDevSignIn(User user) {
        browser.type("#dev-sub", user.sub());
        browser.type("#dev-email", user.email());
        browser.click("#dev-signin-form button[type=submit]");
    }

    /** TOTP on for {@code user} over the API, as a quick setup. */
    private static Enrolled enableTotpOverApi(User user) throws Exception {
        String token = client.devToken(user.sub(), user.email());
        client.post("/2fa/totp/enable", token, null);
        String link = client.activationLink(user.email());
        String activationToken = link.substring(link.indexOf("#token=") + "#token=".length());
        Map<String, Object> activation = client.post("/2fa/totp/activate", token, Map.of("token", activationToken));
        String secret = (String) activation.get("secret");
        long step = Rfc6238.stepWithTimeToSpare();
        Map<String, Object> confirm =
                client.post("/2fa/totp/confirm", token, Map.of("code", Rfc6238.totp(secret, step)));
        @SuppressWarnings("unchecked")
        List<String> codes = (List<String>) confirm.get("recoveryCodes");
        return new Enrolled(secret, step, codes);
    }

    /** A code the server takes now: newer than the step spent at enrollment (RFC 6238 §5.2). */
    private static String nextCode(Enrolled enrolled) throws Exception {
        return Rfc6238.totp(enrolled.secret(), Math.max(enrolled.step() + 1, Rfc6238.currentStep()));
    }

    /** Whether the element is there and shown (not hidden, nor inside something hidden). */
    private static boolean displayed(String css) {
        return browser.driver().findElements(By.cssSelector(css)).stream().anyMatch(WebElement::isDisplayed);
    }

    /** Keeps this test's sends SECONDS_BETWEEN_SMS apart, as the local run's limit requires. */
    private void awaitSmsWindow() throws InterruptedException {
        long wait = Duration.between(Instant.now(), lastSms.plusSeconds(SECONDS_BETWEEN_SMS))
                .plusMillis(300)
                .toMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    private static String twoDigits() {
        return Integer.toString(ThreadLocalRandom.current().nextInt(10, 100));
    }

    /**
     * The QR code as the screen shows it, read as a phone camera would: again until a picture
     * decodes (on a busy machine a capture can catch the page while it is still being laid out), for
     * twice the usual wait. The last picture that did not decode is kept as qr-unreadable.png beside
     * the screenshots, and its size is in the failure, so a failure can be looked at.
     */
    private static String scanQr(String css) {
        AtomicReference<byte[]> last = new AtomicReference<>();
        try {
            return browser.await()
                    .withTimeout(Browser.WAIT.multipliedBy(2))
                    .withMessage(() -> "a readable QR code in " + css + "; the last picture: " + describe(last.get()))
                    .until(d -> {
                        byte[] picture = browser.pictureOfLoadedImage(css);
                        try {
                            return decodeQr(picture);
                        } catch (ReaderException | IOException e) {
                            last.set(picture);
                            return null;
                        }
                    });
        } catch (TimeoutException e) {
            if (last.get() != null) {
                try {
                    Files.write(SCREENSHOTS.resolve("qr-unreadable.png"), last.get());
                } catch (IOException ignored) {
                    // the failure below says what matters
                }
            }
            throw e;
        }
    }

    private static String describe(byte[] png) {
        if (png == null) {
            return "none taken";
        }
        try {
            var image = ImageIO.read(new ByteArrayInputStream(png));
            return image == null
                    ? png.length + " bytes, not an image"
                    : image.getWidth() + "×" + image.getHeight() + " px, saved as qr-unreadable.png";
        } catch (IOException e) {
            return png.length + " bytes, unreadable";
        }
    }

    private static String decodeQr(byte[] png) throws ReaderException, IOException {
        var image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image).as("a picture of the QR code").isNotNull();
        var bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
        return new QRCodeReader()
                .decode(bitmap, Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE))
                .getText();
    }

    private static String queryParameter(String uri, String name) {
        for (String pair : URI.create(uri).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no " + name + " in " + uri);
    }
}
