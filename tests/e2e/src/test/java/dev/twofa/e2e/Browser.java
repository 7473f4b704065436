package dev.twofa.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofa.localrun.LocalRunFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium, driven through Debian's chromedriver by Selenium. Both paths are set
 * explicitly (the driver service's executable and {@code webdriver.chrome.driver}, the browser
 * binary in the options), so Selenium Manager is never asked to find or download anything.
 */
final class Browser implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(15);

    static final int WIDTH = 1000;
    static final int HEIGHT = 1500;

    private static final String INSTALL_HINT = "The browser tests need Debian's chromium and chromium-driver"
            + " (/usr/bin/chromium and /usr/bin/chromedriver). scripts/test installs them with apt-get;"
            + " by hand: sudo apt-get install chromium chromium-driver. Elsewhere, point TWOFA_CHROMIUM and"
            + " TWOFA_CHROMEDRIVER at a Chromium and the chromedriver of the same version.";

    private final ChromeDriver driver;
    private final Path profile;
    private final Path screenshots;

    private Browser(ChromeDriver driver, Path profile, Path screenshots) {
        this.driver = driver;
        this.profile = profile;
        this.screenshots = screenshots;
    }

    /** Starts a headless browser with a fresh profile; a missing Chromium fails (never skips) with a hint. */
    static Browser start(Path screenshots) throws IOException {
        Path chromium = executable("TWOFA_CHROMIUM", "/usr/bin/chromium");
        Path chromedriver = executable("TWOFA_CHROMEDRIVER", "/usr/bin/chromedriver");
        // Selenium's own logging of CDP version mismatches is noise here: the tests use WebDriver only.
        Logger.getLogger("org.openqa.selenium").setLevel(Level.SEVERE);
        System.setProperty("webdriver.chrome.driver", chromedriver.toString());

        Path profile = Files.createTempDirectory("twofa-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                // No connection leaves the machine: without these Chromium calls home at start.
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--disable-extensions",
                "--disable-default-apps",
                "--no-first-run",
                "--no-default-browser-check",
                "--password-store=basic",
                "--lang=en-US",
                "--force-device-scale-factor=1",
                "--window-size=" + WIDTH + "," + HEIGHT,
                "--user-data-dir=" + profile);
        options.setExperimentalOption(
                "prefs",
                Map.of(
                        "download.default_directory",
                        profile.resolve("downloads").toString(),
                        "download.prompt_for_download",
                        false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        Files.createDirectories(screenshots);
        return new Browser(driver, profile, screenshots);
    }

    private static Path executable(String variable, String debianPath) {
        String configured = System.getenv(variable);
        Path path = Path.of(configured != null && !configured.isBlank() ? configured : debianPath);
        if (!Files.isExecutable(path)) {
            throw new AssertionError(path + " is missing or not executable. " + INSTALL_HINT);
        }
        return path;
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Loads {@code url} afresh (even when only its fragment differs) and waits until the client has started. */
    void open(String url) {
        driver.get("about:blank");
        driver.get(url);
        awaitReady();
    }

    void awaitReady() {
        await().until(d -> "true".equals(script("return document.documentElement.dataset.ready || ''")));
    }

    /** Forgets the signed-in user and any saved setting, as a new tab would. */
    void reset(String baseUrl) {
        driver.manage().window().setSize(new Dimension(WIDTH, HEIGHT));
        open(baseUrl + "/");
        script("sessionStorage.clear(); localStorage.clear();");
        open(baseUrl + "/#signin");
    }

    WebDriverWait await() {
        return new WebDriverWait(driver, WAIT);
    }

    WebElement visible(String css) {
        return await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    void awaitHidden(String css) {
        await().until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(css)));
    }

    void awaitText(String css, String part) {
        await().withMessage(() -> css + " to contain \"" + part + "\" but it is \"" + textOf(css) + "\"")
                .until(d -> textOf(css).contains(part));
    }

    String textOf(String css) {
        List<WebElement> found = driver.findElements(By.cssSelector(css));
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    /** The text the aria-live region holds, as a screen reader would read it out. */
    String announced() {
        return Objects.toString(script("return document.getElementById('announcer').textContent"), "");
    }

    void awaitAnnounced(String part) {
        await().withMessage(
                        () -> "the aria-live region to announce \"" + part + "\" but it holds \"" + announced() + "\"")
                .until(d -> announced().contains(part));
    }

    void click(String css) {
        await().until(ExpectedConditions.elementToBeClickable(By.cssSelector(css)))
                .click();
    }

    /** Replaces a field's value by typing, then presses Enter in it (submits its form). */
    void type(String css, String text) {
        WebElement field = visible(css);
        field.clear();
        field.sendKeys(text);
    }

    void typeAndEnter(String css, String text) {
        type(css, text);
        driver.findElement(By.cssSelector(css)).sendKeys(Keys.ENTER);
    }

    Object script(String code, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(code, arguments);
    }

    String currentUrl() {
        return driver.getCurrentUrl();
    }

    // --- Keyboard only ---------------------------------------------------------------------------

    /** Presses Tab until {@code css} has the focus, as a keyboard user would; fails when it never does. */
    void tabTo(String css) {
        WebElement target = driver.findElement(By.cssSelector(css));
        for (int presses = 0; presses < 60; presses++) {
            if (target.equals(driver.switchTo().activeElement())) {
                return;
            }
            keys(Keys.TAB);
        }
        throw new AssertionError(css + " cannot be reached with the Tab key");
    }

    /** Keys sent to whatever has the focus: no element is clicked or addressed. */
    void keys(CharSequence... keys) {
        new Actions(driver).sendKeys(keys).perform();
    }

    String focusedId() {
        return driver.switchTo().activeElement().getAttribute("id");
    }

    /**
     * axe-core's violations on the page as it is now, injected into this Chromium from the pinned
     * copy scripts/test installs (tests/e2e/axe, npm ci); missing, the test fails rather than skips.
     */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> axe() throws IOException {
        String configured = System.getenv("TWOFA_AXE_JS");
        Path axe = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : LocalRunFixture.repoRoot().resolve("tests/e2e/axe/node_modules/axe-core/axe.min.js");
        assertThat(axe)
                .as("axe-core for the accessibility scan: scripts/test installs it (cd tests/e2e/axe && npm ci)")
                .isRegularFile();
        if (!Boolean.TRUE.equals(script("return typeof window.axe === 'object'"))) {
            script(Files.readString(axe, StandardCharsets.UTF_8));
        }
        Object found = driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',"
                + " 'wcag21aa', 'best-practice']}, resultTypes: ['violations']})"
                + ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact,"
                + " nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))"
                + ".catch(e => done([{id: 'axe-error', impact: 'critical', nodes: 0, targets: [String(e)]}]));");
        return (List<Map<String, Object>>) found;
    }

    // --- Pictures --------------------------------------------------------------------------------

    /**
     * Saves the whole page as {@code name}.png under the build folder's screenshots/: the window is
     * made as tall as the page for the picture, then given back its size.
     */
    Path screenshot(String name) {
        Dimension size = driver.manage().window().getSize();
        long frame = ((Number) script("return window.outerHeight - window.innerHeight")).longValue();
        long page = ((Number) script("return Math.ceil(document.body.getBoundingClientRect().height)")).longValue();
        int height = (int) Math.max(480, Math.min(4000, page + frame));
        byte[] png;
        try {
            driver.manage().window().setSize(new Dimension(size.getWidth(), height));
            png = driver.getScreenshotAs(OutputType.BYTES);
        } finally {
            driver.manage().window().setSize(size);
        }
        Path file = screenshots.resolve(name + ".png");
        try {
            Files.write(file, png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** The element as the screen shows it (what a phone camera would see of a QR code). */
    byte[] pictureOf(String css) {
        return visible(css).getScreenshotAs(OutputType.BYTES);
    }

    /**
     * A picture of an image once the browser has decoded and painted it: an element screenshot
     * taken as soon as {@code src} is set can catch an empty box.
     */
    byte[] pictureOfLoadedImage(String css) {
        WebElement image = visible(css);
        await().until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d)
                .executeAsyncScript(
                        "const img = arguments[0], done = arguments[arguments.length - 1];"
                                + " if (!img.complete || img.naturalWidth === 0) { done(false); return; }"
                                + " (img.decode ? img.decode() : Promise.resolve())"
                                + ".then(() => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"
                                + ".catch(() => done(false));",
                        image)));
        return image.getScreenshotAs(OutputType.BYTES);
    }

    void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Asserts the page needs no sideways scrolling at the current width. */
    void assertNoHorizontalScroll() {
        Number scrollWidth = (Number) script("return document.documentElement.scrollWidth");
        Number viewport = (Number) script("return document.documentElement.clientWidth");
        assertThat(scrollWidth.intValue())
                .as("page width at a %d px viewport", viewport.intValue())
                .isLessThanOrEqualTo(viewport.intValue());
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(file -> file.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary profile left behind is harmless
        }
    }
}
