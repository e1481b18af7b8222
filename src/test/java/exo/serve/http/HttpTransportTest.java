package exo.serve.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The transport on its own, in this JVM on loopback: backpressure against a client that does not
 * read, the route table's matching, the browser policy's decisions, strict JSON and log escaping.
 */
class HttpTransportTest {
    private static final ErrorShape SHAPE = e -> JsonNodeFactory.instance.objectNode().put("error", e.getMessage());

    /**
     * A handler that streams as fast as it can to a client that never reads: its sends wait once
     * a bounded amount is unsent, and after the write timeout the client counts as gone (499).
     */
    @Test
    void aStreamToAClientThatDoesNotReadWaitsAndIsCutOff() throws Exception {
        AtomicLong accepted = new AtomicLong();
        CountDownLatch ended = new CountDownLatch(1);
        byte[] kib = new byte[1024];
        java.util.Arrays.fill(kib, (byte) 'x');
        String piece = new String(kib, StandardCharsets.US_ASCII);
        Routes routes = new Routes(SHAPE).post("/stream", Routes.Access.OPEN, (r, ex) -> {
            ResponseStream out = ex.stream(200, "text/plain");
            while (out.send(piece)) {
                accepted.addAndGet(piece.length());
            }
            ended.countDown();
        });
        StringWriter log = new StringWriter();
        HttpLimits limits = new HttpLimits(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofMillis(800), Duration.ZERO, 16 << 10, 1 << 20, 8 << 20, 16, 16, 8);
        Dispatcher dispatcher = new Dispatcher(routes, new BrowserPolicy(true, List.of()), null,
                new AccessLog(new PrintWriter(log), AccessLog.Format.TEXT), (endpoint, method, status, nanos) -> { },
                e -> null);
        try (HttpServer server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), limits,
                dispatcher);
             Socket client = new Socket()) {
            client.setReceiveBufferSize(4096);
            client.connect(server.address());
            client.getOutputStream().write("POST /stream HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertTrue(ended.await(30, TimeUnit.SECONDS), "the handler's sends stopped once the client was cut off");
            assertTrue(accepted.get() < 2 << 20, accepted.get() + " bytes taken for a client that reads nothing");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!log.toString().contains("exo: POST /stream 499") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(log.toString().contains("exo: POST /stream 499"), log.toString());
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "serve-backpressure.txt"),
                    "a stream nobody reads: " + accepted.get() / 1024 + " KiB taken before the sends waited\n");
        }
    }

    @Test
    void routesMatchByMethodAndPattern() {
        Routes.Handler h = (r, ex) -> { };
        Routes routes = new Routes(SHAPE).get("/v1/models", Routes.Access.KEY, h)
                .get("/v1/models/{id}", Routes.Access.KEY, h).post("/v1/chat/completions", Routes.Access.KEY, h)
                .family("/api/", e -> JsonNodeFactory.instance.objectNode().put("ollama", true));
        var found = assertInstanceOf(Routes.Match.Found.class, routes.match("GET", "/v1/models/llama-3.2-1b"));
        assertEquals(Map.of("id", "llama-3.2-1b"), found.params());
        assertEquals("/v1/models/{id}", found.route().endpoint());
        assertInstanceOf(Routes.Match.Found.class, routes.match("HEAD", "/v1/models"));
        assertEquals("OPTIONS, POST", assertInstanceOf(Routes.Match.WrongMethod.class,
                routes.match("GET", "/v1/chat/completions")).allow());
        assertInstanceOf(Routes.Match.NotFound.class, routes.match("GET", "/v1/models/"));
        assertInstanceOf(Routes.Match.NotFound.class, routes.match("GET", "/v1/models/a/b"));
        assertTrue(routes.shapeFor("/api/chat").render(HttpError.of(400, null, "x")).has("ollama"));
        assertFalse(routes.shapeFor("/v1/chat").render(HttpError.of(400, null, "x")).has("ollama"));
        assertThrows(IllegalArgumentException.class, () -> routes.get("/v1/models", Routes.Access.KEY, h));
        assertThrows(IllegalArgumentException.class, () -> routes.add("HEAD", "/x", Routes.Access.KEY, h));
    }

    @Test
    void browsersAreAllowedAsOllamaAllowsThem() {
        BrowserPolicy local = new BrowserPolicy(true, List.of("https://*.example.com", "http://app.test/"));
        for (String host : List.of("localhost:52415", "127.0.0.1:52415", "[::1]:52415", "LOCALHOST", "box.local",
                "my.internal", "x.localhost:1", "192.168.1.20:52415", "10.0.0.2", "0.0.0.0")) {
            assertTrue(local.hostAllowed(host), host);
        }
        for (String host : List.of("evil.example", "evil.example:52415", "127.0.0.1.nip.io", "8.8.8.8",
                "localhost.evil.example")) {
            assertFalse(local.hostAllowed(host), host);
        }
        assertTrue(local.originAllowed("http://127.0.0.1:52415", "127.0.0.1:52415"), "the page's own origin");
        assertTrue(local.originAllowed("http://localhost:3000", "127.0.0.1:52415"));
        assertTrue(local.originAllowed("https://a.example.com", "127.0.0.1:52415"));
        assertTrue(local.originAllowed("http://app.test", "127.0.0.1:52415"));
        assertTrue(local.originAllowed("vscode-webview://abc", "127.0.0.1:52415"));
        assertFalse(local.originAllowed("http://evil.example", "127.0.0.1:52415"));
        assertFalse(local.originAllowed("https://example.com.evil.example", "127.0.0.1:52415"));
        assertFalse(local.originAllowed("http://a.example.com", "127.0.0.1:52415"), "the scheme counts");
        assertTrue(new BrowserPolicy(false, List.of()).check(request("evil.example", null)) == null,
                "a server on a public address answers any name");
        HttpError e = assertThrows(HttpError.class, () -> local.check(request("evil.example", null)));
        assertEquals(403, e.status());
    }

    private static Request request(String host, String origin) {
        Map<String, List<String>> headers = new java.util.HashMap<>();
        headers.put("Host", List.of(host));
        if (origin != null) {
            headers.put("Origin", List.of(origin));
        }
        return new Request("GET", "/", "/", Map.of(), headers, new byte[0], null, 0);
    }

    @Test
    void jsonBodiesAreOneStrictValue() {
        assertEquals("x", StrictJson.parse("{\"a\": \"x\"}".getBytes(StandardCharsets.UTF_8)).get("a").asText());
        for (String bad : List.of("", " ", "{\"a\": 1} 2", "{} {}", "{\"a\": 1, \"a\": 2}", "[1, 2", "{\"a\": NaN}",
                "[".repeat(200) + "]".repeat(200), "1" + "0".repeat(200))) {
            HttpError e = assertThrows(HttpError.class, () -> StrictJson.parse(bad.getBytes(StandardCharsets.UTF_8)), bad);
            assertEquals(400, e.status());
            assertEquals("invalid_json", e.code());
        }
    }

    @Test
    void logFieldsAreEscaped() {
        assertEquals("/v1/chat/completions", AccessLog.escape("/v1/chat/completions"));
        assertEquals("/x\\x0aexo:\\x20POST\\x00\\x5c\\u2028\\xe9", AccessLog.escape("/x\nexo: POST\0\\\u2028é"));
    }
}
