package exo.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.download.ExoProcess;
import exo.serve.HeadlessChromium;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat page's cluster view over a real 2-node ring (`exo serve` as the tail, an `exo node` on
 * loopback) in headless Chromium: both machines drawn with their names, layers and memory; the
 * node frozen (SIGSTOP) is shown lost once the next answer goes on without it, and shown joining
 * when it wakes and the next answer takes it in again. The view is pushed (server-sent events).
 */
class ClusterViewIT {
    @TempDir
    Path home;

    @Test
    void aNodeLostAndJoiningAgainIsDrawnOnThePage() throws Exception {
        HeadlessChromium.assumeInstalled();
        try (NodeProcess node = NodeProcess.start("node-a", "8GB", home.resolve("node-a"), List.of(), TestModels.dir(),
                Map.of(), "ggml");
             ExoProcess serve = ExoProcess.start(home, Map.of("EXO_HOME", home.resolve("serve").toString()), "serve",
                     "--model-file", TestModels.stories260K().toString(), "--peers", node.address(), "--discovery",
                     "static", "--memory", "2GB", "--http-port", "0", "--threads", "1", "--host", "127.0.0.1",
                     "--temperature", "0")) {
            int port = Integer.parseInt(serve.awaitStderr(Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)"), 60)
                    .group(1));
            ChromeDriver driver = HeadlessChromium.start(home.resolve("chromium"));
            try {
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
                driver.get("http://127.0.0.1:" + port + "/");
                wait.until(d -> d.findElements(By.cssSelector("#ring-svg g.machine")).size() == 2);
                String drawn = machine(driver, "node-a").getDomProperty("textContent");
                assertTrue(drawn.contains("8.0 GiB"), "node-a's memory: " + drawn);
                assertTrue(drawn.contains("layers 0-"), drawn);
                assertEquals("", machine(driver, "node-a").getDomAttribute("class").replace("machine", "").trim());

                // node-a freezes: the next answer goes on without it, and the view shows it lost.
                node.signal("STOP");
                driver.findElement(By.id("max-tokens")).sendKeys("20");
                ask(driver, "Once upon a time");
                wait.until(d -> !d.findElements(By.cssSelector(".message.assistant[data-done]")).isEmpty());
                wait.until(d -> !d.findElements(By.cssSelector("#ring-svg g.machine.lost[data-name='node-a']")).isEmpty());
                assertTrue(driver.findElement(By.id("ring-log")).getText().contains("node-a was lost"),
                        driver.findElement(By.id("ring-log")).getText());
                assertEquals(1, driver.findElements(By.cssSelector("#ring-svg g.machine:not(.lost)")).size());

                // It wakes; the next answer takes it in again, and the view shows it joining.
                // (It reconnects in its own time: each answer until then runs without it.)
                node.signal("CONT");
                By joined = By.cssSelector("#ring-svg g.machine.joined[data-name='node-a']");
                for (int answers = 2; answers < 12 && driver.findElements(joined).isEmpty(); answers++) {
                    Thread.sleep(1000);
                    ask(driver, "The little dog");
                    int n = answers;
                    wait.until(d -> d.findElements(By.cssSelector(".message.assistant[data-done]")).size() == n);
                    Thread.sleep(1500); // the next push, a second at most
                }
                assertTrue(!driver.findElements(joined).isEmpty(), "node-a is drawn joining");
                assertTrue(driver.findElement(By.id("ring-log")).getText().contains("node-a joined"),
                        driver.findElement(By.id("ring-log")).getText());
                HeadlessChromium.screenshot(driver, "cluster-view-joined");
            } catch (AssertionError | RuntimeException e) {
                HeadlessChromium.screenshot(driver, "cluster-view-failed");
                System.err.println(serve.stderr());
                throw e;
            } finally {
                driver.quit();
            }
        }
    }

    private static WebElement machine(ChromeDriver driver, String name) {
        return driver.findElement(By.cssSelector("#ring-svg g.machine[data-name='" + name + "']"));
    }

    private static void ask(ChromeDriver driver, String text) {
        driver.findElement(By.id("input")).sendKeys(text, Keys.ENTER);
    }
}
