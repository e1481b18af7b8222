package exo.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import exo.gguf.GgmlType;
import exo.synthetic.SyntheticModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.DoublePredicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that leave, against a real `exo serve` with one session and a queue of one, on a
 * random-weight model slow enough (a few tens of tokens a second on one thread) that an answer
 * of 3000 tokens would take most of a minute: a request whose client leaves while queued or
 * while generating, streamed or whole, is cancelled at once (logged 499, its session free for
 * the next); a full queue is 429 with Retry-After; SIGTERM lets the running answer finish while
 * new connections are refused. The log is JSON (--log-format json).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServeCancellationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LONG = "{\"prompt\": \"Once upon a time\", \"max_tokens\": 3000, \"temperature\": 0";

    @TempDir
    static Path tmp;
    private static ServeProcess server;

    @BeforeAll
    static void start() throws Exception {
        Path model = tmp.resolve("slow.gguf");
        new SyntheticModel(512, 8, 8, 8, 1536, 1024, 4096, GgmlType.Q8_0, 7).write(model);
        server = ServeProcess.start(tmp, List.of(), Map.of(), "--model-file", model.toString(), "--discovery",
                "static", "--http-port", "0", "--threads", "1", "--max-sessions", "1", "--queue", "1",
                "--log-format", "json", "--http-stop-timeout-ms", "20000");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** A request sent on a connection of its own, left open until the test closes it. */
    private static Socket open(String body) throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                + "\r\nContent-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
        return s;
    }

    private static RawHttp.Response post(String body) throws IOException {
        return RawHttp.send(server.port(), "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body);
    }

    private static PrometheusSamples metrics() throws IOException {
        RawHttp.Response r = RawHttp.send(server.port(), "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close"
                + "\r\n\r\n");
        assertEquals(200, r.status(), r.body());
        return PrometheusSamples.parse(r.body());
    }

    /** Polls /metrics until {@code name} satisfies {@code ok}; fails after 30 s. */
    private static void awaitMetric(String name, DoublePredicate ok) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        double last = Double.NaN;
        while (System.nanoTime() < deadline) {
            last = metrics().value(name);
            if (ok.test(last)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(name + " is still " + last);
    }

    /** Waits until tokens flow: the ring panel's live tokens/s is above 0. */
    private static void awaitGenerating() throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            RawHttp.Response r = RawHttp.send(server.port(), "GET /exo/ring HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n\r\n");
            if (JSON.readTree(r.body()).get("tokens_per_second").asDouble() > 0) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no tokens generated in 30 s");
    }

    private static long cancelled() throws IOException {
        return server.count(Pattern.compile("\"path\":\"/v1/completions\",\"status\":499"));
    }

    /** Waits until {@code n} requests are logged 499; returns the milliseconds it took. */
    private static long await499(long n) throws Exception {
        long t0 = System.nanoTime();
        while (cancelled() < n) {
            if (System.nanoTime() - t0 > 30_000_000_000L) {
                throw new AssertionError("no 499 for the request whose client left: " + server.stderr());
            }
            Thread.sleep(5);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    @Order(1)
    void requestsWhoseClientsLeaveAreCancelledQueuedOrGenerating() throws Exception {
        long before = cancelled();
        try (Socket running = open(LONG + "}")) {
            awaitMetric("exo_sessions_running", v -> v == 1);
            try (Socket queued = open(LONG + ", \"stream\": true}")) {
                awaitMetric("exo_queue_waiting", v -> v == 1);
                cancelWhileQueuedThenWhileGenerating(before, running, queued);
            }
        }
    }

    private void cancelWhileQueuedThenWhileGenerating(long before, Socket running, Socket queued) throws Exception {

        // one more: the queue is full
        RawHttp.Response busy = post("{\"prompt\": \"hi\"}");
        assertEquals(429, busy.status(), busy.body());
        assertTrue(Integer.parseInt(busy.header("Retry-After")) >= 1, busy.headers().toString());
        assertEquals("queue_full", JSON.readTree(busy.body()).get("error").get("code").asText());

        // a streamed request leaves the queue: cancelled at once, the running one goes on
        queued.close();
        long queuedMs = await499(before + 1);
        awaitMetric("exo_queue_waiting", v -> v == 0);
        assertEquals(1, metrics().value("exo_sessions_running"));
        // a whole one too
        try (Socket queuedWhole = open(LONG + "}")) {
            awaitMetric("exo_queue_waiting", v -> v == 1);
        }
        long queuedWholeMs = await499(before + 2);

        // the generating one leaves: stopped between two tokens, its session freed for the next
        awaitGenerating();
        assertEquals(0, metrics().value("exo_generated_tokens_total"), "still generating: nothing is counted yet");
        running.close();
        long runningMs = await499(before + 3);
        awaitMetric("exo_sessions_running", v -> v == 0);
        double generated = metrics().value("exo_generated_tokens_total");
        assertTrue(generated > 0 && generated < 3000, "stopped after " + generated + " tokens, not at the end");
        RawHttp.Response next = post("{\"prompt\": \"hi\", \"max_tokens\": 3}");
        assertEquals(200, next.status(), next.body());
        Figures.note("cancellation (one machine): 499 logged " + queuedMs + " ms after a queued stream's client left, "
                + queuedWholeMs + " ms for a queued whole request, " + runningMs + " ms for a generating whole request"
                + " (stopped after " + (long) generated + " of 3000 tokens)");
    }

    @Test
    @Order(2)
    void aStreamWhoseClientLeavesIsCancelled() throws Exception {
        long before = cancelled();
        double generatedBefore = metrics().value("exo_generated_tokens_total");
        try (Socket s = open(LONG + ", \"stream\": true}")) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("data: {")) {
                    break;
                }
            }
        }
        long ms = await499(before + 1);
        awaitMetric("exo_sessions_running", v -> v == 0);
        double generated = metrics().value("exo_generated_tokens_total") - generatedBefore;
        assertTrue(generated > 0 && generated < 3000, "stopped after " + generated + " tokens");
        Figures.note("cancellation (one machine): 499 logged " + ms + " ms after a generating stream's client left");
    }

    /** SIGTERM: the running answer finishes, new connections are refused, the log says so. */
    @Test
    @Order(3)
    void sigtermLetsTheRunningAnswerFinish() throws Exception {
        try (Socket s = open("{\"prompt\": \"Once upon a time\", \"max_tokens\": 120, \"temperature\": 0, "
                + "\"stream\": true}")) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("data: {")) {
                continue;
            }
            server.terminate();
            server.await(Pattern.compile("\"msg\":\"stopping: no new connections; waiting up to 20 s for 1 running "
                    + "answer to finish\""), 30);
            boolean refused = false;
            try (Socket late = new Socket("127.0.0.1", server.port())) {
                // accepted before the listener closed; it gets no answer
                late.setSoTimeout(5000);
                late.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(RawHttp.readAll(late.getInputStream()), StandardCharsets.UTF_8);
                refused = !answer.startsWith("HTTP/1.1 200");
            } catch (ConnectException e) {
                refused = true;
            }
            assertTrue(refused, "a new connection after SIGTERM is refused");
            StringBuilder text = new StringBuilder();
            String finish = null;
            String last = null;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("data: {")) {
                    JsonNode choice = JSON.readTree(line.substring(6)).get("choices").get(0);
                    text.append(choice.get("text").asText());
                    if (!choice.get("finish_reason").isNull()) {
                        finish = choice.get("finish_reason").asText();
                    }
                }
                if (line.startsWith("data: ")) {
                    last = line;
                }
            }
            assertEquals("data: [DONE]", last, "the answer ran to its end");
            assertEquals("length", finish);
        }
        assertTrue(server.awaitExit(30), "exo serve exits after SIGTERM");
        server.await(Pattern.compile("\"msg\":\"stopped: every answer finished; \\d+ requests? answered in all\""), 5);
        for (String line : server.stderr().lines().filter(l -> l.startsWith("{")).toList()) {
            JsonNode entry = JSON.readTree(line);
            assertTrue(entry.has("time") && entry.has("level"), "every log line is a JSON object: " + line);
        }
    }
}
