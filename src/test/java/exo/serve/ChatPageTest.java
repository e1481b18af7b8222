package exo.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import exo.TestModels;
import exo.download.ExoProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat page of `exo serve` in a real headless browser (Debian's chromium and
 * chromium-driver, which .ci/run installs), against one real server on stories260K: answers
 * stream in; conversations are kept in the browser (new, rename, search, delete) and survive a
 * reload; Markdown (tables, quotes, task lists, highlighted code with a copy button) is rendered
 * and raw HTML is not; Send becomes Stop and a stopped answer is marked; regenerate and
 * edit-and-resend; the page fits 420 px without sideways scrolling; the cluster view is pushed
 * over server-sent events (no polling, nothing logged per update); thinking and tool calls show
 * folded. A failing test leaves a screenshot under target/.
 */
class ChatPageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private static ExoProcess server;
    private static ChromeDriver driver;
    private static WebDriverWait wait;
    private static String url;

    @RegisterExtension
    static final TestWatcher SCREENSHOT_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (driver != null) {
                HeadlessChromium.screenshot(driver, "chat-page-failed-" + context.getRequiredTestMethod().getName());
            }
        }
    };

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeInstalled();
        // Llama 2's turns, tool results, and a think tag the prompt opens when enable_thinking is on
        Path template = Files.writeString(tmp.resolve("think.jinja"), "{% for m in messages %}"
                + "{% if m.role == 'system' %}<<SYS>>{{ m.content }}<</SYS>>"
                + "{% elif m.role == 'user' %}{{ bos_token }}[INST] {{ m.content }} [/INST]"
                + "{% elif m.role == 'tool' %}[RESULT] {{ m.content }} [/RESULT]"
                + "{% else %} {{ m.content }} {{ eos_token }}{% endif %}{% endfor %}"
                + "{% if add_generation_prompt and enable_thinking is defined and enable_thinking %}<think>\n{% endif %}");
        server = ExoProcess.start(tmp, Map.of(), "serve", "--model-file", TestModels.stories260K().toString(),
                "--discovery", "static", "--http-port", "0", "--temperature", "0", "--threads", "1",
                "--chat-template-file", template.toString());
        int port = Integer.parseInt(server.awaitStderr(Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)"), 60).group(1));
        url = "http://127.0.0.1:" + port + "/";
        driver = HeadlessChromium.start(tmp.resolve("chromium"));
        wait = new WebDriverWait(driver, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Each test starts on an empty browser store, full width, at full network speed. */
    @BeforeEach
    void freshPage() {
        driver.manage().window().setSize(new Dimension(1280, 900));
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 0,
                "downloadThroughput", -1, "uploadThroughput", -1));
        driver.get(url);
        js("localStorage.clear()");
        driver.navigate().refresh();
        wait.until(d -> !d.findElements(By.cssSelector("#ring-svg g.machine")).isEmpty());
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private static void ask(String text) {
        driver.findElement(By.id("input")).sendKeys(text);
        driver.findElement(By.id("input")).sendKeys(Keys.ENTER);
    }

    private static WebElement answered(int answers) {
        wait.until(d -> d.findElements(By.cssSelector(".message.assistant[data-done]")).size() == answers);
        List<WebElement> all = driver.findElements(By.cssSelector(".message.assistant"));
        return all.get(all.size() - 1);
    }

    private static void setMaxTokens(String value) {
        driver.findElement(By.id("max-tokens")).clear();
        driver.findElement(By.id("max-tokens")).sendKeys(value);
        js("document.getElementById('max-tokens').dispatchEvent(new Event('change'))");
    }

    private static List<String> titles() {
        return driver.findElements(By.cssSelector("#conversations .conversation .open")).stream()
                .map(WebElement::getText).toList();
    }

    /** Slows the browser's network to a trickle (one event a second or so): stories260K writes faster than anyone reads. */
    private static void trickle() {
        driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 50,
                "downloadThroughput", 400, "uploadThroughput", 100_000));
    }

    @Test
    void answersStreamAndConversationsAreKeptRenamedSearchedAndDeleted() {
        setMaxTokens("40");
        ask("Once upon a time");
        WebElement answer = answered(1);
        assertFalse(answer.findElement(By.className("body")).getText().isBlank(), "an answer");
        assertEquals("Once upon a time", driver.findElement(By.cssSelector(".message.user .content")).getText());
        assertEquals(List.of("Once upon a time"), titles());

        driver.findElement(By.id("new-chat")).click();
        assertEquals(0, driver.findElements(By.cssSelector(".message")).size());
        ask("The little dog");
        answered(1);
        assertEquals(List.of("The little dog", "Once upon a time"), titles());

        // Rename the first conversation in place.
        WebElement first = driver.findElements(By.cssSelector("#conversations .conversation")).get(1);
        first.findElement(By.className("rename")).click();
        WebElement name = driver.findElement(By.cssSelector("#conversations .rename-input"));
        name.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Fairy tale", Keys.ENTER);
        assertEquals(List.of("The little dog", "Fairy tale"), titles());

        // Both survive a reload, with the name; the one open before is open again.
        driver.navigate().refresh();
        wait.until(d -> d.findElements(By.cssSelector(".message")).size() == 2);
        assertEquals(List.of("The little dog", "Fairy tale"), titles());
        assertEquals("The little dog", driver.findElement(By.cssSelector(".message.user .content")).getText());

        // Search reads titles and messages; opening one shows its messages.
        driver.findElement(By.id("search")).sendKeys("fairy");
        assertEquals(List.of("Fairy tale"), titles());
        driver.findElement(By.id("search")).clear();
        driver.findElement(By.id("search")).sendKeys("little dog");
        assertEquals(List.of("The little dog"), titles());
        driver.findElement(By.id("search")).clear();
        js("document.getElementById('search').dispatchEvent(new Event('input'))");
        driver.findElements(By.cssSelector("#conversations .open")).get(1).click();
        assertEquals("Once upon a time", driver.findElement(By.cssSelector(".message.user .content")).getText());

        // Delete asks once, then deletes; the reload agrees.
        WebElement delete = driver.findElement(By.cssSelector("#conversations .current .delete"));
        delete.click();
        assertEquals(List.of("The little dog", "Fairy tale"), titles(), "the first click only asks");
        driver.findElement(By.cssSelector("#conversations .current .delete")).click();
        assertEquals(List.of("The little dog"), titles());
        driver.navigate().refresh();
        wait.until(d -> d.findElements(By.cssSelector("#conversations .conversation")).size() == 1);
        assertEquals(List.of("The little dog"), titles());
    }

    /** A conversation written into the store as an earlier visit would have, shown after a reload. */
    private static void showStored(String markdown) throws Exception {
        var chats = JSON.createObjectNode();
        var c = chats.putObject("c1").put("id", "c1").put("title", "Markdown").put("updated", 1);
        var messages = c.putArray("messages");
        messages.addObject().put("role", "user").put("content", "show me");
        messages.addObject().put("role", "assistant").put("content", markdown);
        js("localStorage.setItem('exo-chats', arguments[0]); localStorage.setItem('exo-current', 'c1')",
                JSON.writeValueAsString(chats));
        driver.navigate().refresh();
        wait.until(d -> !d.findElements(By.cssSelector(".message.assistant .body")).isEmpty());
    }

    @Test
    void markdownTablesQuotesTaskListsAndCodeWithACopyButtonAndNoRawHtml() throws Exception {
        showStored("""
                Weather **today**:

                | city | temp |
                |------|-----:|
                | Paris | 21 |
                | Oslo | 9 |

                > a quote
                > on two lines

                - [x] pack
                - [ ] leave
                  1. nested

                ```java
                // greet
                String s = "hi"; return 42;
                ```
                See [the docs](https://example.com/a_b_c) and https://example.org.
                <img src=x onerror="window.pwned=1"> <script>window.pwned=2</script> [bad](javascript:window.pwned=3)
                """);
        WebElement body = driver.findElement(By.cssSelector(".message.assistant .body"));
        assertEquals(List.of("city", "temp"), body.findElements(By.cssSelector("table th")).stream()
                .map(WebElement::getText).toList());
        assertEquals(List.of("Paris", "21", "Oslo", "9"), body.findElements(By.cssSelector("table td")).stream()
                .map(WebElement::getText).toList());
        assertEquals("a quote\non two lines", body.findElement(By.tagName("blockquote")).getText());
        List<WebElement> boxes = body.findElements(By.cssSelector("li.task input[type=checkbox]"));
        assertEquals(2, boxes.size());
        assertTrue(boxes.get(0).isSelected());
        assertFalse(boxes.get(1).isSelected());
        assertEquals("nested", body.findElement(By.cssSelector("li.task ol li")).getText());
        WebElement code = body.findElement(By.cssSelector(".code pre code"));
        assertEquals("// greet\nString s = \"hi\"; return 42;", code.getText());
        assertEquals("return", code.findElement(By.className("tok-k")).getText());
        assertEquals("\"hi\"", code.findElement(By.className("tok-s")).getText());
        assertEquals("// greet", code.findElement(By.className("tok-c")).getText());
        // Raw HTML is shown as text, and a javascript: link is no link.
        assertTrue(body.findElements(By.tagName("img")).isEmpty());
        assertTrue(body.findElements(By.tagName("script")).isEmpty());
        assertEquals(List.of("https://example.com/a_b_c", "https://example.org/"), body.findElements(By.tagName("a"))
                .stream().map(a -> a.getDomProperty("href")).toList(), "http(s) links only, underscores kept");
        assertEquals("the docs", body.findElement(By.tagName("a")).getText());
        assertTrue(body.getText().contains("<img src=x onerror=\"window.pwned=1\">"), body.getText());
        assertEquals(null, js("return window.pwned"));

        // The copy button puts the code on the clipboard.
        driver.executeCdpCommand("Browser.grantPermissions", Map.of("origin", url.substring(0, url.length() - 1),
                "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
        WebElement copy = body.findElement(By.cssSelector(".code .copy"));
        copy.click();
        wait.until(d -> copy.getText().equals("Copied"));
        Object clipboard = ((JavascriptExecutor) driver).executeAsyncScript(
                "navigator.clipboard.readText().then(arguments[0], e => arguments[0]('failed: ' + e))");
        assertEquals("// greet\nString s = \"hi\"; return 42;", clipboard);
    }

    @Test
    void sendBecomesStopAndAStoppedAnswerIsMarkedThroughAReload() {
        trickle();
        ask("Once upon a time");
        wait.until(d -> d.findElement(By.id("stop")).isDisplayed()
                && !d.findElement(By.cssSelector(".message.assistant .body")).getText().isBlank());
        assertFalse(driver.findElement(By.id("send")).isDisplayed(), "Send gives its place to Stop");
        // Esc stops, as the Stop button does.
        driver.findElement(By.id("input")).sendKeys(Keys.ESCAPE);
        WebElement answer = answered(1);
        assertFalse(driver.findElement(By.id("stop")).isDisplayed());
        assertTrue(driver.findElement(By.id("send")).isDisplayed() && driver.findElement(By.id("send")).isEnabled());
        assertEquals("■ stopped", answer.findElement(By.className("stopped-mark")).getText());
        String text = answer.findElement(By.className("body")).getText();
        assertTrue(text.length() < 400, "stopped early: " + text.length() + " characters");
        driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 0,
                "downloadThroughput", -1, "uploadThroughput", -1));
        driver.navigate().refresh();
        wait.until(d -> !d.findElements(By.cssSelector(".message.assistant .stopped-mark")).isEmpty());
    }

    @Test
    void regenerateAnswersAgainAndAnEditedMessageIsSentAgain() {
        setMaxTokens("30");
        ask("Once upon a time");
        WebElement before = answered(1);
        String first = before.findElement(By.className("body")).getText();
        js("arguments[0].dataset.old = 'yes'", before);
        before.findElement(By.className("regenerate")).click();
        WebElement again = answered(1);
        assertEquals(null, again.getDomAttribute("data-old"), "a new answer replaced the old one");
        assertEquals(1, driver.findElements(By.cssSelector(".message.assistant")).size());
        // temperature 0: the same words again
        assertEquals(first, again.findElement(By.className("body")).getText());

        WebElement user = driver.findElement(By.cssSelector(".message.user"));
        new org.openqa.selenium.interactions.Actions(driver).moveToElement(user).perform();
        user.findElement(By.className("edit")).click();
        WebElement box = user.findElement(By.className("edit-box"));
        box.clear();
        box.sendKeys("The little dog");
        user.findElement(By.className("resend")).click();
        WebElement edited = answered(1);
        assertEquals("The little dog", driver.findElement(By.cssSelector(".message.user .content")).getText());
        assertEquals(2, driver.findElements(By.cssSelector(".message")).size());
        assertNotEquals(first, edited.findElement(By.className("body")).getText());
    }

    private static long overflow() {
        return (Long) js("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
    }

    @Test
    void aPhoneWideWindowHasNoSidewaysScrolling() throws Exception {
        showStored("| " + "a very wide column | ".repeat(12) + "\n|" + "---|".repeat(12) + "\n| " + "x | ".repeat(12)
                + "\n\n```\n" + "long_line_of_code();".repeat(30) + "\n```\n\n" + "unbroken".repeat(40));
        assertEquals(0, overflow(), "wide");
        driver.manage().window().setSize(new Dimension(420, 860));
        wait.until(d -> (Long) js("return window.innerWidth") <= 420);
        assertEquals(0, overflow(), "420 px wide");
        assertTrue(driver.findElement(By.id("ring-svg")).getSize().getWidth() <= 420);
        // The list of conversations opens from the menu.
        driver.findElement(By.id("menu")).click();
        wait.until(d -> d.findElement(By.id("new-chat")).getRect().getX() >= 0);
        assertEquals(0, overflow(), "420 px wide with the list open");
        Files.write(Path.of("target", "chat-page-420.png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void theClusterViewIsPushedOverServerSentEventsAndNotLoggedPerUpdate() throws Exception {
        long logged = ringStreamsLogged();
        WebElement machine = driver.findElement(By.cssSelector("#ring-svg g.machine"));
        assertEquals("this machine", machine.getDomAttribute("data-name"));
        String drawn = machine.getDomProperty("textContent");
        assertTrue(drawn.contains("layers 0-4 · ggml"), drawn);
        assertTrue(drawn.matches(".*\\d+(\\.\\d)? [GM]iB.*"), "its memory: " + drawn);
        assertEquals("live", driver.findElement(By.id("live")).getText().replace("Cluster ", ""));
        assertEquals("stories260K", driver.findElement(By.id("model-picker")).getDomProperty("value"));

        // While an answer streams (slowed down), the view says so and its tokens/s rise, pushed by the server.
        trickle();
        ask("Once upon a time");
        wait.until(d -> d.findElement(By.id("sessions")).getText().equals("1"));
        wait.until(d -> Double.parseDouble(d.findElement(By.id("tps")).getText()) > 0);
        driver.findElement(By.id("stop")).click();
        answered(1);
        wait.until(d -> d.findElement(By.id("sessions")).getText().equals("0"));

        // One open stream, not a poll: no request for the ring finished in all that time, and the server
        // logged none (a stream is logged once, when it ends).
        long finished = (Long) js("return performance.getEntriesByType('resource')"
                + ".filter(e => e.name.includes('/exo/ring')).length");
        assertEquals(0, finished, "requests for the ring that ended");
        assertEquals(logged, ringStreamsLogged(), "an open stream is not logged");
        assertFalse(server.stderr().contains("GET /exo/ring "), "no polling");

        // A hidden tab lets its stream go (browsers hold few connections to one server) and takes it up when shown.
        js("Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });"
                + "document.dispatchEvent(new Event('visibilitychange'))");
        wait.until(d -> d.findElement(By.id("live")).getText().equals("paused"));
        wait.until(d -> ringStreamsLogged() > logged);
        js("Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });"
                + "document.dispatchEvent(new Event('visibilitychange'))");
        wait.until(d -> d.findElement(By.id("live")).getText().equals("live"));
    }

    /** The streams of the ring's state the server logged: one line each, when it ended. */
    private static long ringStreamsLogged() {
        try {
            return server.stderr().lines().filter(l -> l.contains("GET /exo/ring/events")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void themesSwitchBetweenLightAndDark() {
        String light = (String) js("return getComputedStyle(document.body).backgroundColor");
        js("document.documentElement.dataset.theme = 'light'");
        driver.findElement(By.id("theme")).click();
        assertEquals("dark", driver.findElement(By.tagName("html")).getDomAttribute("data-theme"));
        assertNotEquals(light, js("return getComputedStyle(document.body).backgroundColor"));
        driver.navigate().refresh();
        assertEquals("dark", driver.findElement(By.tagName("html")).getDomAttribute("data-theme"), "kept");
    }

    @Test
    void thinkingAndToolCallsShowFoldedAndAToolResultGoesBack() throws Exception {
        // Thinking: the prompt opens the tag, so the answer is reasoning, shown folded.
        driver.findElement(By.id("think")).click();
        setMaxTokens("20");
        ask("Once upon a time");
        answered(1);
        WebElement thinking = driver.findElement(By.cssSelector(".message.assistant details.thinking"));
        assertEquals(null, thinking.getDomAttribute("open"), "folded");
        assertFalse(thinking.getDomProperty("textContent").replace("Thinking", "").isBlank());

        // Tools: stories260K answers in llama.cpp's generic JSON, a call the page shows folded; its result goes back.
        driver.findElement(By.id("new-chat")).click();
        driver.findElement(By.id("think")).click();
        setMaxTokens("300");
        driver.findElement(By.id("tools")).sendKeys("[{\"type\": \"function\", \"function\": {\"name\": "
                + "\"get_weather\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": "
                + "{\"type\": \"string\", \"maxLength\": 20}}, \"required\": [\"city\"]}}}]");
        ask("What is the weather in Paris?");
        answered(1);
        WebElement call = driver.findElement(By.cssSelector(".message.assistant details.tool-call"));
        assertEquals(null, call.getDomAttribute("open"), "folded");
        assertTrue(call.getText().startsWith("Tool call: get_weather"), call.getText());
        var arguments = JSON.readTree(call.findElement(By.tagName("code")).getDomProperty("textContent"));
        assertTrue(arguments.get("city").isTextual(), arguments.toString());
        assertTrue(driver.findElement(By.id("input")).getDomAttribute("placeholder").startsWith("The result of the tool call"));
        ask("Sunny, 21 degrees");
        answered(2);
        assertEquals("Sunny, 21 degrees", driver.findElement(By.cssSelector(".message.tool .content")).getText());
        assertFalse(driver.findElement(By.id("error")).isDisplayed(), driver.findElement(By.id("error")).getText());
        Files.write(Path.of("target", "chat-page-tools.png"), driver.getScreenshotAs(OutputType.BYTES));
    }
}
