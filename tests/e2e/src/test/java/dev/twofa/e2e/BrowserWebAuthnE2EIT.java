package dev.twofa.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofa.localrun.LocalRun;
import dev.twofa.localrun.LocalRunFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * Security keys and passkeys in the reference web client: the real WebAuthn ceremonies in headless
 * Chromium, answered by Chromium's virtual authenticator (WebDriver's virtual authenticator
 * extension), against the local run reached as {@code http://localhost:<port>} (an IP address is no
 * RP id to a browser; LocalRun's LOCAL_RUN_HOST). A resident-key platform authenticator that
 * verifies the user (a passkey) and a cross-platform USB key without resident keys are each added in
 * Settings, used at the sign-in step, renamed and removed.
 */
class BrowserWebAuthnE2EIT {
    @RegisterExtension
    static final LocalRunFixture LOCAL = LocalRunFixture.withEnv(Map.of(LocalRun.HOST_VARIABLE, "localhost"));

    private static final Path SCREENSHOTS = Path.of(System.getProperty("twofa.screenshots", "target/screenshots"));

    private static Browser browser;
    private static LocalRunClient client;
    private static String base;
    private VirtualAuthenticator authenticator;

    private record User(String sub, String email) {
        static User fresh(String prefix) {
            String sub = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
            return new User(sub, sub + "@example.test");
        }
    }

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start(SCREENSHOTS);
        base = LOCAL.baseUrl().toString();
        assertThat(base).startsWith("http://localhost:");
        client = new LocalRunClient(LOCAL.baseUrl());
    }

    @AfterEach
    void removeAuthenticator() {
        if (authenticator != null) {
            browser.driver().removeVirtualAuthenticator(authenticator);
            authenticator = null;
        }
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void aPasskeyOnThisDevice_isAdded_signsIn_isRenamed_andRemoved() throws Exception {
        browser.reset(base);
        authenticator = browser.driver()
                .addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                        .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                        .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                        .setHasResidentKey(true)
                        .setHasUserVerification(true)
                        .setIsUserVerified(true)
                        .setIsUserConsenting(true));
        User user = User.fresh("passkey");
        devSignIn(user);
        browser.open(base + "/#settings");
        browser.visible("#webauthn-card");
        assertThat(browser.textOf("#webauthn-badge")).isEqualTo("Off");
        assertThat(displayed("#webauthn-unsupported")).isFalse();

        // No factor yet: added at once, no proof asked.
        browser.typeAndEnter("#webauthn-name", "Laptop passkey");
        browser.awaitText("#settings-success", "Laptop passkey is added");
        browser.awaitText("#webauthn-list", "Laptop passkey");
        assertThat(browser.textOf("#status-line")).isEqualTo("On: security keys and passkeys.");
        assertThat(browser.textOf("#sum-webauthn")).isEqualTo("1");
        assertThat(browser.textOf("#webauthn-list")).contains("Passkey on a device");
        browser.awaitText("#activity-list", "Security key or passkey added");
        assertThat(authenticator.getCredentials()).hasSize(1);
        assertThat(authenticator.getCredentials().getFirst().isResidentCredential())
                .as("a discoverable credential (a passkey)")
                .isTrue();
        browser.screenshot("webauthn-settings");
        noAxeViolation("Two-factor authentication with a passkey listed");

        // The sign-in step: the key is the first way offered, and signs in with the user verified.
        signInWithKey(user, false);

        // Rename, then remove (confirmed with the sign-in a moment ago).
        browser.click("#verify-done a.button");
        browser.awaitText("#webauthn-list", "Laptop passkey");
        rename("Laptop passkey", "Work laptop");
        browser.awaitText("#webauthn-list", "last used");
        Files.write(SCREENSHOTS.resolve("webauthn-card.png"), browser.pictureOf("#webauthn-card"));

        // Later (the sign-in no longer recent): Remove is confirmed with the key itself.
        browser.script("sessionStorage.removeItem('twofa.signIn')");
        browser.open(base + "/#settings");
        browser.click("#webauthn-list button[aria-label='Remove Work laptop']");
        browser.visible("#webauthn-list #stepup-form");
        assertThat(browser.textOf("#stepup-why"))
                .isEqualTo("To protect your account, confirm it's you with your security key or passkey.");
        assertThat(displayed("#stepup-ways")).as("one way: no choice to make").isFalse();
        browser.screenshot("webauthn-remove");
        noAxeViolation("Confirm it's you with the security key");
        browser.click("#stepup-submit");
        browser.awaitText("#settings-success", "Work laptop is removed");
        browser.visible("#webauthn-empty");
        assertThat(browser.textOf("#webauthn-badge")).isEqualTo("Off");
        assertThat(browser.textOf("#status-line")).startsWith("Off");
        Map<String, Object> listed = client.get("/2fa/webauthn/credentials", client.devToken(user.sub(), user.email()));
        assertThat((List<?>) listed.get("credentials")).isEmpty();
    }

    @Test
    void aUsbSecurityKey_addedWhileTheAppIsOn_asksForACodeFirst_thenSignsIn_isRenamed_andRemoved() throws Exception {
        browser.reset(base);
        authenticator = browser.driver()
                .addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                        .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                        .setTransport(VirtualAuthenticatorOptions.Transport.USB)
                        .setHasResidentKey(false)
                        .setHasUserVerification(false)
                        .setIsUserConsenting(true));
        User user = User.fresh("usbkey");
        Enrolled enrolled = enableTotpOverApi(user);
        devSignIn(user);
        browser.open(base + "/#settings");
        browser.awaitText("#status-line", "On: authenticator app");

        // The app is on: adding a key is a change to the factors, confirmed with a code first.
        browser.typeAndEnter("#webauthn-name", "Blue security key");
        browser.visible("#webauthn-stepup #stepup-form");
        assertThat(browser.textOf("#stepup-about")).contains("Blue security key");
        browser.typeAndEnter(
                "#stepup-code", Rfc6238.totp(enrolled.secret(), Math.max(enrolled.step() + 1, Rfc6238.currentStep())));
        browser.awaitText("#settings-success", "Blue security key is added");
        browser.awaitText("#webauthn-list", "Blue security key");
        assertThat(browser.textOf("#status-line")).isEqualTo("On: authenticator app and security keys and passkeys.");
        assertThat(browser.textOf("#webauthn-list")).contains("Security key").contains("not used yet");
        assertThat(authenticator.getCredentials()).hasSize(1);
        assertThat(authenticator.getCredentials().getFirst().isResidentCredential())
                .as("a server-side credential: the key keeps no account")
                .isFalse();

        signInWithKey(user, true);

        browser.click("#verify-done a.button");
        browser.awaitText("#webauthn-list", "last used");
        rename("Blue security key", "Spare key");
        remove("Spare key");
        assertThat(browser.textOf("#status-line")).isEqualTo("On: authenticator app.");
    }

    @Test
    void theSameKeyAddedTwice_isRefusedByTheBrowser_andSaidBesideTheButton() throws Exception {
        browser.reset(base);
        authenticator = browser.driver()
                .addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                        .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                        .setTransport(VirtualAuthenticatorOptions.Transport.USB)
                        .setHasResidentKey(false)
                        .setIsUserConsenting(true));
        User user = User.fresh("twice");
        devSignIn(user);
        browser.open(base + "/#settings");
        browser.typeAndEnter("#webauthn-name", "Only key");
        browser.awaitText("#settings-success", "Only key is added");

        // Again: the key is now a factor, so the key itself confirms it's you; then the browser
        // finds it among the options' excludeCredentials and refuses to make a second credential.
        browser.typeAndEnter("#webauthn-name", "Same key again");
        browser.visible("#webauthn-stepup #stepup-form");
        assertThat(browser.textOf("#stepup-why")).contains("your security key or passkey");
        browser.click("#stepup-submit");
        browser.awaitText("#webauthn-add-error", "This security key or passkey is already added to your account.");
        browser.awaitAnnounced("already added");
        assertThat(authenticator.getCredentials()).hasSize(1);
        Map<String, Object> listed = client.get("/2fa/webauthn/credentials", client.devToken(user.sub(), user.email()));
        assertThat((List<?>) listed.get("credentials")).hasSize(1);
        noAxeViolation("Two-factor authentication after a key refused as already added");
    }

    // --- Steps ---------------------------------------------------------------------------------

    private static void signInWithKey(User user, boolean appToo) {
        browser.click("#sign-out");
        browser.visible("#view-signin");
        devSignIn(user);
        browser.visible("#verify-webauthn-form");
        assertThat(displayed("button[data-use-method=webauthn]")).isFalse();
        assertThat(displayed("button[data-use-method=totp]"))
                .as("the app offered instead")
                .isEqualTo(appToo);
        browser.screenshot("webauthn-sign-in");
        noAxeViolation("Sign-in step with a security key");
        browser.click("#verify-webauthn-form button[type=submit]");
        browser.visible("#verify-done");
        assertThat(browser.textOf("#verify-done-text")).isEqualTo("Verified with your security key or passkey.");
        browser.awaitAnnounced("You are signed in.");
    }

    /** axe-core finds nothing at all on the page as it is now (the views BrowserSecurityPageE2EIT cannot reach). */
    private static void noAxeViolation(String view) {
        try {
            assertThat(browser.axe()).as("axe-core on " + view).isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void rename(String from, String to) {
        browser.click("#webauthn-list button[aria-label='Rename " + from + "']");
        WebElement input = browser.visible("#webauthn-list form input");
        noAxeViolation("Rename a security key");
        input.clear();
        input.sendKeys(to);
        browser.click("#webauthn-list form button[type=submit]");
        browser.awaitText("#settings-success", "The key is renamed " + to);
        browser.awaitText("#webauthn-list", to);
        assertThat(browser.textOf("#webauthn-list")).doesNotContain(from);
    }

    private static void remove(String name) {
        browser.click("#webauthn-list button[aria-label='Remove " + name + "']");
        browser.visible("#webauthn-list #stepup-form");
        assertThat(browser.textOf("#stepup-about")).isEqualTo(name + " will no longer sign you in.");
        assertThat(browser.textOf("#stepup-why")).contains("signed in a moment ago");
        browser.click("#stepup-submit");
        browser.awaitText("#settings-success", name + " is removed");
        browser.visible("#webauthn-empty");
        assertThat(browser.textOf("#webauthn-badge")).isEqualTo("Off");
    }

    private record Enrolled(String secret, long step) {}

    private static Enrolled enableTotpOverApi(User user) throws Exception {
        String token = client.devToken(user.sub(), user.email());
        client.post("/2fa/totp/enable", token, null);
        String link = client.activationLink(user.email());
        String activationToken = link.substring(link.indexOf("#token=") + "#token=".length());
        String secret = (String) client.post("/2fa/totp/activate", token, Map.of("token", activationToken))
                .get("secret");
        long step = Rfc6238.stepWithTimeToSpare();
        client.post("/2fa/totp/confirm", token, Map.of("code", Rfc6238.totp(secret, step)));
        return new Enrolled(secret, step);
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
