package exo.serve;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's chromium and chromium-driver (which .ci/run installs), headless, for the tests of the
 * chat page; a test without them is skipped, saying so.
 */
public final class HeadlessChromium {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private HeadlessChromium() {
    }

    /** Skips the calling test where the browser is not installed. */
    public static void assumeInstalled() {
        boolean browser = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!browser) {
            System.err.println("SKIPPED: the chat page test needs " + CHROMIUM + " and " + DRIVER
                    + " (apt-get install chromium chromium-driver; .ci/run does)");
        }
        assumeTrue(browser, "chromium and chromium-driver are not installed");
    }

    /** A browser with its profile in {@code profile}. */
    public static ChromeDriver start(Path profile) {
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                        "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Saves what the page shows as target/NAME.png (for a failure: what went wrong, seen). */
    public static void screenshot(ChromeDriver driver, String name) {
        try {
            Path shot = Path.of("target", name + ".png");
            Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
            System.err.println("screenshot: " + shot.toAbsolutePath());
        } catch (Exception e) {
            System.err.println("no screenshot: " + e);
        }
    }
}
