package exo.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import exo.TestModels;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile but fair client against a real `exo serve` on stories260K in a 256 MiB heap, with
 * short timeouts (hidden options): slowloris, a stalled body, oversized headers and bodies,
 * huge prompts, forged Host and Origin, CORS preflight, log injection, HEAD/OPTIONS/405, strict
 * JSON, keep-alive, the API key and /metrics. Each case is one the JDK server failed.
 */
class ServeHardeningTest {
    private static final String KEY = "test-key";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    private static ServeProcess server;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        server = ServeProcess.start(tmp, List.of("-Xmx256m"), Map.of(), "--model-file",
                TestModels.stories260K().toString(), "--discovery", "static", "--http-port", "0", "--threads", "1",
                "--api-key", KEY, "--allowed-origins", "http://app.example,https://*.tools.example",
                "--http-header-timeout-ms", "500", "--http-body-timeout-ms", "500", "--http-idle-timeout-ms", "3000",
                "--http-max-connections-per-address", "230");
        port = server.port();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** A request with the key and "Connection: close"; {@code extra} are more header lines. */
    private static RawHttp.Response send(String method, String path, String body, String... extra) throws IOException {
        StringBuilder r = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nAuthorization: Bearer " + KEY + "\r\nConnection: close\r\n");
        for (String h : extra) {
            r.append(h).append("\r\n");
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            r.append("Content-Type: application/json\r\nContent-Length: ").append(bytes.length).append("\r\n");
        }
        r.append("\r\n");
        if (body != null) {
            r.append(body);
        }
        return RawHttp.send(port, r.toString());
    }

    private static JsonNode openAiError(RawHttp.Response r, int status, String code) throws IOException {
        assertEquals(status, r.status(), r.body());
        assertEquals("application/json", r.header("Content-Type"));
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertNotNull(e, r.body());
        assertTrue(e.get("message").isTextual() && e.has("type") && e.has("param") && e.has("code"), r.body());
        if (code != null) {
            assertEquals(code, e.get("code").asText(), r.body());
        }
        return e;
    }

    private static void ollamaError(RawHttp.Response r, int status) throws IOException {
        assertEquals(status, r.status(), r.body());
        JsonNode e = JSON.readTree(r.body());
        assertTrue(e.get("error").isTextual(), "Ollama's shape is {\"error\": \"...\"}: " + r.body());
    }

    /**
     * Slowloris: 200 connections that trickle their headers a byte at a time are closed by the
     * header timeout, the server's thread count stays as it was, and it goes on answering.
     */
    @Test
    void connectionsThatTrickleTheirHeadersAreClosedWithoutAThreadEach() throws Exception {
        assertEquals(200, send("GET", "/health", null).status());
        int before = server.threads();
        List<Socket> slow = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            Socket s = new Socket("127.0.0.1", port);
            s.setSoTimeout(1);
            s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-".getBytes(StandardCharsets.US_ASCII));
            slow.add(s);
        }
        int during = 0;
        List<Socket> open = new ArrayList<>(slow);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            during = Math.max(during, server.threads());
            open.removeIf(ServeHardeningTest::closedAfterAByte);
            Thread.sleep(100);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(open.isEmpty(), open.size() + " of 200 trickling connections still open after " + ms + " ms");
        assertTrue(during <= before + 8, "threads " + before + " before, " + during + " with 200 trickling connections");
        Figures.note("slowloris: 200 connections closed within " + ms + " ms (header timeout 500 ms); threads "
                + before + " before, at most " + during + " during");
        for (Socket s : slow) {
            s.close();
        }
        assertEquals(200, send("GET", "/health", null).status());
        assertFalse(server.stderr().contains("exo: GET /health 400"), "a connection closed mid-headers is not answered");
    }

    /** Writes one more header byte; true once the server has closed the connection. */
    private static boolean closedAfterAByte(Socket s) {
        try {
            s.getOutputStream().write('x');
            InputStream in = s.getInputStream();
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Connections from one address beyond --http-max-connections-per-address are answered 503 at once. */
    @Test
    void connectionsBeyondThePerAddressLimitAreRefused() throws Exception {
        List<Socket> held = new ArrayList<>();
        int refused = 0;
        try {
            for (int i = 0; i < 240; i++) {
                held.add(new Socket("127.0.0.1", port));
            }
            for (Socket s : held) {
                s.setSoTimeout(200);
                try {
                    byte[] answer = RawHttp.readAll(s.getInputStream());
                    if (answer.length > 0) {
                        RawHttp.Response r = RawHttp.parse(answer);
                        openAiError(r, 503, "too_many_connections");
                        refused++;
                    }
                } catch (IOException e) {
                    // still open: accepted
                }
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        assertTrue(refused >= 10 && refused <= 240 - 200, refused + " of 240 refused with a limit of 230 per address");
    }

    @Test
    void aBodyThatStallsIsAnswered408WithinTheBodyTimeout() throws Exception {
        long t0 = System.nanoTime();
        RawHttp.Response r = RawHttp.send(port, "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + KEY + "\r\nContent-Length: 100\r\n\r\n{\"prompt\": \"");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        openAiError(r, 408, "request_timeout");
        assertEquals("close", r.header("Connection"));
        assertTrue(ms < 10_000, "answered after " + ms + " ms");
        assertTrue(server.stderr().contains("exo: POST /v1/completions 408"), server.stderr());
    }

    @Test
    void headersAndBodiesBeyondTheLimitsAreRefusedInTheApisShape() throws Exception {
        openAiError(send("GET", "/v1/models", null, "X-Big: " + "a".repeat(20_000)), 431, "headers_too_large");
        // a body over 8 MiB: refused from its Content-Length, before it is read
        String big = "{\"prompt\": \"" + "x".repeat(9 << 20) + "\"}";
        openAiError(send("POST", "/v1/completions", big), 413, "request_too_large");
        ollamaError(send("POST", "/api/generate", big), 413);
    }

    /**
     * Prompts far beyond the context in a 256 MiB heap: refused with 400 after counting about a
     * context's worth of tokens (eight at once), never tokenized whole; the server goes on.
     */
    @Test
    void hugePromptsAreRefusedQuicklyInASmallHeap() throws Exception {
        String words = "Once upon a time there was a little girl who loved to play. ".repeat(125_000); // 7.5 MB
        String chat = "{\"messages\": [{\"role\": \"user\", \"content\": \"" + words + "\"}]}";
        long t0 = System.nanoTime();
        List<CompletableFuture<RawHttp.Response>> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String path = i % 2 == 0 ? "/v1/chat/completions" : "/v1/completions";
            String body = i % 2 == 0 ? chat : "{\"prompt\": \"" + words + "\", \"stream\": true}";
            all.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return send("POST", path, body);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        for (CompletableFuture<RawHttp.Response> f : all) {
            JsonNode e = openAiError(f.get(120, TimeUnit.SECONDS), 400, "context_length_exceeded");
            assertTrue(e.get("message").asText().contains("more than"), e.toString());
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        ollamaError(send("POST", "/api/generate", "{\"model\": \"stories260K\", \"prompt\": \"" + words + "\"}"), 400);
        Figures.note("huge prompts: eight 7.5 MB prompts refused in " + ms + " ms under -Xmx256m; resident "
                + server.residentBytes() / (1 << 20) + " MiB");
        RawHttp.Response ok = send("POST", "/v1/completions", "{\"prompt\": \"Once\", \"max_tokens\": 3}");
        assertEquals(200, ok.status(), ok.body());
        assertFalse(server.stderr().contains("OutOfMemoryError") || server.stderr().contains("out of memory"),
                server.stderr());
    }

    /** Ollama's fix for DNS rebinding and cross-site use: Host and Origin are checked, CORS for allowed origins only. */
    @Test
    void crossSiteRequestsAreRefusedAndAllowedOriginsGetCors() throws Exception {
        String completion = "{\"prompt\": \"Once\", \"max_tokens\": 2}";
        // a page on evil.example whose name now resolves to 127.0.0.1 (DNS rebinding)
        RawHttp.Response rebound = RawHttp.send(port, "POST /v1/completions HTTP/1.1\r\nHost: evil.example:" + port
                + "\r\nOrigin: http://evil.example:" + port + "\r\nContent-Type: text/plain\r\nContent-Length: "
                + completion.length() + "\r\nConnection: close\r\n\r\n" + completion);
        openAiError(rebound, 403, "forbidden_host");
        // a "simple" cross-origin POST from any page the user visits
        openAiError(send("POST", "/v1/completions", completion, "Origin: http://evil.example"), 403, "forbidden_origin");
        ollamaError(send("POST", "/api/generate", "{\"model\": \"stories260K\", \"prompt\": \"x\"}",
                "Origin: https://evil.example"), 403);
        openAiError(send("OPTIONS", "/v1/completions", null, "Origin: http://evil.example",
                "Access-Control-Request-Method: POST"), 403, "forbidden_origin");
        // names of this machine are fine
        assertEquals(200, RawHttp.send(port, "GET /health HTTP/1.1\r\nHost: localhost:" + port
                + "\r\nConnection: close\r\n\r\n").status());

        RawHttp.Response preflight = send("OPTIONS", "/v1/chat/completions", null, "Origin: http://app.example",
                "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: authorization, content-type");
        assertEquals(204, preflight.status(), preflight.body());
        assertEquals("http://app.example", preflight.header("Access-Control-Allow-Origin"));
        assertTrue(preflight.header("Access-Control-Allow-Methods").contains("POST"), preflight.headers().toString());
        assertTrue(preflight.header("Access-Control-Allow-Headers").contains("authorization"));
        assertNull(preflight.header("Content-Length"), "a 204 has no Content-Length");
        RawHttp.Response allowed = send("POST", "/v1/completions", completion, "Origin: https://a.tools.example");
        assertEquals(200, allowed.status(), allowed.body());
        assertEquals("https://a.tools.example", allowed.header("Access-Control-Allow-Origin"));
        // the chat page's own origin
        RawHttp.Response own = send("POST", "/v1/completions", completion, "Origin: http://127.0.0.1:" + port);
        assertEquals(200, own.status(), own.body());
        assertTrue(server.stderr().contains("exo: POST /v1/completions 403"), server.stderr());
    }

    /** What a client puts in its path is escaped in the log: no forged line, no NUL. */
    @Test
    void pathsAreEscapedInTheLog() throws Exception {
        RawHttp.Response r = send("GET", "/x%0aexo:%20POST%20/v1/completions%20200%201%20ms%00%1b[31m", null);
        openAiError(r, 404, "not_found");
        String log = server.await(Pattern.compile("exo: GET /x.*404"), 10).group();
        assertEquals("exo: GET /x\\x0aexo:\\x20POST\\x20/v1/completions\\x20200\\x201\\x20ms\\x00\\x1b[31m 404",
                log.substring(0, log.lastIndexOf(" 404") + 4));
        String all = server.stderr();
        assertFalse(all.contains("\0") || all.contains("\u001b"), "control characters reached the log");
        assertTrue(all.lines().noneMatch(l -> l.startsWith("exo: POST /v1/completions 200 1 ms")), all);
    }

    @Test
    void methodsAreAnsweredAsHttpSays() throws Exception {
        RawHttp.Response head = send("HEAD", "/", null);
        assertEquals(200, head.status());
        assertTrue(Integer.parseInt(head.header("Content-Length")) > 100, head.headers().toString());
        assertEquals("", head.body(), "HEAD has no body");
        assertEquals(200, send("HEAD", "/v1/models", null).status());

        RawHttp.Response options = send("OPTIONS", "/v1/models", null);
        assertEquals(204, options.status());
        assertEquals("GET, HEAD, OPTIONS", options.header("Allow"));

        RawHttp.Response put = send("PUT", "/v1/models", "{}");
        openAiError(put, 405, "method_not_allowed");
        assertEquals("GET, HEAD, OPTIONS", put.header("Allow"));
        RawHttp.Response get = send("GET", "/v1/chat/completions", null);
        openAiError(get, 405, "method_not_allowed");
        assertEquals("OPTIONS, POST", get.header("Allow"));
        RawHttp.Response delete = send("DELETE", "/api/tags", null);
        ollamaError(delete, 405);
        assertEquals("GET, HEAD, OPTIONS", delete.header("Allow"));
        openAiError(send("GET", "/v2/nothing", null), 404, "not_found");
        openAiError(RawHttp.send(port, "NOT HTTP AT ALL\r\n\r\n"), 400, "malformed_request");
        ollamaError(send("GET", "/api/nothing", null), 404);

        RawHttp.Response noKey = RawHttp.send(port, "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Connection: close\r\n\r\n");
        openAiError(noKey, 401, "invalid_api_key");
        assertTrue(noKey.header("WWW-Authenticate").startsWith("Bearer"), noKey.headers().toString());

        // keep-alive: two requests on one connection, answered in turn
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] first = new byte[4096];
            int n = s.getInputStream().read(first);
            assertTrue(new String(first, 0, n, StandardCharsets.UTF_8).startsWith("HTTP/1.1 200"));
            s.getOutputStream().write(("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            List<RawHttp.Response> rest = RawHttp.parseAll(RawHttp.readAll(s.getInputStream()));
            assertEquals(1, rest.size());
            assertEquals("stories260K", JSON.readTree(rest.getFirst().body()).get("data").get(0).get("id").asText());
        }
    }

    @Test
    void jsonBodiesAreOneValueWithoutDuplicateKeys() throws Exception {
        for (String body : List.of("{\"prompt\": \"x\"} trailing", "{\"prompt\": \"x\"}{\"prompt\": \"y\"}",
                "{\"prompt\": \"x\", \"prompt\": \"y\"}", "{\"prompt\": \"x\", \"stop\": {\"a\": 1, \"a\": 2}}", "")) {
            openAiError(send("POST", "/v1/completions", body), 400, "invalid_json");
        }
        ollamaError(send("POST", "/api/chat", "{\"model\": \"stories260K\"} {}"), 400);
        ollamaError(send("POST", "/api/chat", "{\"model\": \"stories260K\", \"model\": \"x\"}"), 400);
    }

    /** GET /metrics in Prometheus' text format, behind the API key. */
    @Test
    void metricsAreInPrometheusTextFormat() throws Exception {
        openAiError(RawHttp.send(port, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), 401,
                "invalid_api_key");
        assertEquals(200, send("POST", "/v1/completions", "{\"prompt\": \"Once\", \"max_tokens\": 5}").status());
        assertEquals(200, send("POST", "/v1/completions", "{\"prompt\": \"Once\", \"max_tokens\": 5, \"stream\": true}")
                .status());
        RawHttp.Response r = send("GET", "/metrics", null);
        assertEquals(200, r.status());
        assertTrue(r.header("Content-Type").startsWith("text/plain; version=0.0.4"), r.header("Content-Type"));
        PrometheusSamples m = PrometheusSamples.parse(r.body());
        assertTrue(m.value("exo_http_requests_total", "endpoint", "/v1/completions", "method", "POST", "status", "200")
                >= 2, r.body());
        assertTrue(m.value("exo_prompt_tokens_total") >= 4 && m.value("exo_generated_tokens_total") >= 10, r.body());
        for (String h : List.of("exo_time_to_first_token_seconds", "exo_tokens_per_second")) {
            assertEquals("histogram", m.types().get(h));
            List<PrometheusSamples.Sample> buckets = m.samples(h + "_bucket");
            double previous = 0;
            for (PrometheusSamples.Sample b : buckets) {
                assertTrue(b.value() >= previous, h + " buckets are cumulative");
                previous = b.value();
            }
            assertEquals("+Inf", buckets.getLast().labels().get("le"));
            assertEquals(m.value(h + "_count"), buckets.getLast().value());
            assertTrue(m.value(h + "_count") >= 2, r.body());
        }
        assertEquals(4, m.value("exo_sessions_max"));
        assertEquals(0, m.value("exo_queue_waiting"));
        double share = m.value("exo_node_busy_share", "node", "this machine", "layers", "0-4");
        assertTrue(share > 0 && share <= 1, "busy share " + share);
        assertTrue(m.value("exo_http_connections_open") >= 1);
        for (String name : m.sampleNames()) {
            assertTrue(m.types().containsKey(name.replaceFirst("_(bucket|sum|count)$", "")), name + " has a TYPE");
        }
    }
}
