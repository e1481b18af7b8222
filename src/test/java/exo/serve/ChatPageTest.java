package exo.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import exo.TestModels;
import exo.download.ExoProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat page of `exo serve` in a real headless browser (Debian's chromium and
 * chromium-driver, which .ci/run installs): a message's answer streams in, the conversation
 * survives a reload, the stop button ends a long answer, the ring panel shows the machine, the
 * model's thinking shows folded, and a tool call shows with its arguments and takes its result.
 */
class ChatPageTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path tmp;

    @Test
    void typeSeeTheAnswerStreamStopItAndSeeTheRing() throws Exception {
        boolean browser = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!browser) {
            System.err.println("SKIPPED: the chat page test needs " + CHROMIUM + " and " + DRIVER
                    + " (apt-get install chromium chromium-driver; .ci/run does)");
        }
        assumeTrue(browser, "chromium and chromium-driver are not installed");
        // Llama 2's turns, tool results, and a think tag the prompt opens when enable_thinking is on
        Path template = Files.writeString(tmp.resolve("think.jinja"), "{% for m in messages %}"
                + "{% if m.role == 'system' %}<<SYS>>{{ m.content }}<</SYS>>"
                + "{% elif m.role == 'user' %}{{ bos_token }}[INST] {{ m.content }} [/INST]"
                + "{% elif m.role == 'tool' %}[RESULT] {{ m.content }} [/RESULT]"
                + "{% else %} {{ m.content }} {{ eos_token }}{% endif %}{% endfor %}"
                + "{% if add_generation_prompt and enable_thinking is defined and enable_thinking %}<think>\n{% endif %}");
        try (ExoProcess server = ExoProcess.start(tmp, Map.of(), "serve", "--model-file",
                TestModels.stories260K().toString(), "--discovery", "static", "--http-port", "0", "--temperature", "0",
                "--threads", "1", "--chat-template-file", template.toString())) {
            int port = Integer.parseInt(server.awaitStderr(Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)"), 60)
                    .group(1));
            ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                    .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,800",
                            "--user-data-dir=" + tmp.resolve("chromium"));
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                    .usingAnyFreePort().build();
            WebDriver driver = new ChromeDriver(service, options);
            try {
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
                driver.get("http://127.0.0.1:" + port + "/");
                // The ring panel: this machine alone, all five layers, its engine.
                wait.until(d -> !d.findElements(By.cssSelector("#nodes tr")).isEmpty());
                List<WebElement> cells = driver.findElements(By.cssSelector("#nodes tr td"));
                assertEquals("this machine", cells.get(0).getText());
                assertEquals("0-4", cells.get(1).getText());
                assertTrue(cells.get(2).getText().startsWith("ggml"), cells.get(2).getText());
                assertTrue(driver.findElement(By.id("model")).getText().startsWith("stories260K"));

                // A message: the answer streams in and ends.
                driver.findElement(By.id("max-tokens")).sendKeys("60");
                driver.findElement(By.id("input")).sendKeys("Once upon a time");
                driver.findElement(By.id("send")).click();
                WebElement answer = wait.until(d -> d.findElement(By.cssSelector(".message.assistant[data-done]")));
                assertFalse(answer.getText().isBlank(), "an answer");
                assertEquals("Once upon a time", driver.findElement(By.cssSelector(".message.user")).getText());
                Files.write(Path.of("target", "chat-page.png"),
                        ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));

                // The conversation is kept in the browser: a reload shows both messages.
                driver.navigate().refresh();
                wait.until(d -> d.findElements(By.cssSelector(".message")).size() == 2);
                wait.until(d -> !d.findElements(By.cssSelector("#nodes tr")).isEmpty());

                // Stop: stories260K writes faster than anyone reads, so the browser's network is slowed to a
                // trickle (one event a second or so) and the answer is stopped while it streams in.
                ChromeDriver chrome = (ChromeDriver) driver;
                chrome.executeCdpCommand("Network.enable", Map.of());
                chrome.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 50,
                        "downloadThroughput", 400, "uploadThroughput", 100_000));
                driver.findElement(By.id("new-chat")).click();
                assertEquals(0, driver.findElements(By.cssSelector(".message")).size());
                driver.findElement(By.id("max-tokens")).clear();
                driver.findElement(By.id("input")).sendKeys("Once upon a time");
                driver.findElement(By.id("send")).click();
                wait.until(d -> d.findElement(By.id("stop")).isDisplayed()
                        && !d.findElement(By.cssSelector(".message.assistant")).getText().isBlank());
                driver.findElement(By.id("stop")).click();
                wait.until(d -> !d.findElements(By.cssSelector(".message.assistant[data-done]")).isEmpty());
                assertFalse(driver.findElement(By.id("stop")).isDisplayed());
                String stopped = driver.findElement(By.cssSelector(".message.assistant")).getText();
                assertTrue(stopped.length() < 400, "stopped early: " + stopped.length() + " characters");
                assertTrue(driver.findElement(By.id("send")).isEnabled(), "ready for the next message");
                chrome.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 0,
                        "downloadThroughput", -1, "uploadThroughput", -1));

                // Thinking: the prompt opens the tag, so the answer is reasoning, shown folded.
                driver.findElement(By.id("new-chat")).click();
                driver.findElement(By.id("think")).click();
                driver.findElement(By.id("max-tokens")).sendKeys("20");
                driver.findElement(By.id("input")).sendKeys("Once upon a time");
                driver.findElement(By.id("send")).click();
                wait.until(d -> !d.findElements(By.cssSelector(".message.assistant[data-done]")).isEmpty());
                WebElement thinking = driver.findElement(By.cssSelector(".message.assistant details.thinking"));
                assertEquals(null, thinking.getDomAttribute("open"), "folded");
                assertFalse(thinking.getDomProperty("textContent").replace("Thinking", "").isBlank());

                // Tools: stories260K answers in llama.cpp's generic JSON, a call the page shows; its result goes back.
                driver.findElement(By.id("new-chat")).click();
                driver.findElement(By.id("think")).click();
                driver.findElement(By.id("max-tokens")).clear();
                driver.findElement(By.id("max-tokens")).sendKeys("300");
                driver.findElement(By.id("tools")).sendKeys("[{\"type\": \"function\", \"function\": {\"name\": "
                        + "\"get_weather\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": "
                        + "{\"type\": \"string\", \"maxLength\": 20}}, \"required\": [\"city\"]}}}]");
                driver.findElement(By.id("input")).sendKeys("What is the weather in Paris?");
                driver.findElement(By.id("send")).click();
                wait.until(d -> !d.findElements(By.cssSelector(".message.assistant[data-done]")).isEmpty());
                WebElement call = driver.findElement(By.cssSelector(".message.assistant details.tool-call"));
                assertTrue(call.getText().startsWith("Tool call: get_weather"), call.getText());
                var arguments = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                        call.findElement(By.tagName("code")).getText());
                assertTrue(arguments.get("city").isTextual(), arguments.toString());
                driver.findElement(By.id("input")).sendKeys("Sunny, 21 degrees");
                driver.findElement(By.id("send")).click();
                wait.until(d -> d.findElements(By.cssSelector(".message.assistant[data-done]")).size() == 2);
                assertEquals("Sunny, 21 degrees", driver.findElement(By.cssSelector(".message.tool")).getText());
                assertFalse(driver.findElement(By.id("error")).isDisplayed(), driver.findElement(By.id("error")).getText());
                Files.write(Path.of("target", "chat-page-tools.png"),
                        ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            } finally {
                driver.quit();
            }
        }
    }
}
