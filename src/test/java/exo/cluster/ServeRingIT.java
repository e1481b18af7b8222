package exo.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import exo.TestModels;
import exo.download.ExoProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `exo serve` as the tail of a 2-node ring on loopback: 64 concurrent streamed requests and two
 * `exo chat` processes (two more tails) through the same node at once. Every answer equals the
 * same request alone, nothing fails, and every session is freed on the node afterwards; a client
 * that leaves has its session freed on the node at once.
 */
class ServeRingIT {
    private static final int REQUESTS = 64;

    @TempDir
    Path home;

    @Test
    void manyClientsAndTwoChatsThroughOneRingAnswerAsEachAlone() throws Exception {
        try (NodeProcess node = NodeProcess.start("node-a", "8GB", home.resolve("node-a"), List.of(), TestModels.dir(),
                Map.of(), "ggml");
             ExoProcess serve = ExoProcess.start(home, Map.of("EXO_HOME", home.resolve("serve").toString()), "serve",
                     "--model-file", TestModels.stories260K().toString(), "--peers", node.address(), "--discovery",
                     "static", "--memory", "2GB", "--http-port", "0", "--max-sessions", "8", "--queue",
                     String.valueOf(REQUESTS), "--threads", "1", "--host", "127.0.0.1")) {
            nodeAddress = node.address();
            int port = Integer.parseInt(serve.awaitStderr(Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)"), 60)
                    .group(1));
            assertTrue(serve.stderr().contains("exo: node-a: ready"), serve.stderr());
            HttpClient http = HttpClient.newHttpClient();
            List<CompletableFuture<String>> streams = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                streams.add(http.sendAsync(request(port, i, true), HttpResponse.BodyHandlers.ofString())
                        .thenApply(r -> {
                            assertEquals(200, r.statusCode(), r.body());
                            return streamedText(r.body());
                        }));
            }
            // Two more tails chat through the same node meanwhile, each with a session of its own.
            List<CompletableFuture<String>> chats = List.of(chatAsync("chat-1"), chatAsync("chat-2"));
            List<String> together = new ArrayList<>();
            for (CompletableFuture<String> s : streams) {
                together.add(s.get(300, TimeUnit.SECONDS));
            }
            List<String> chatted = new ArrayList<>();
            for (CompletableFuture<String> c : chats) {
                chatted.add(c.get(300, TimeUnit.SECONDS));
            }
            for (int i = 0; i < REQUESTS; i++) {
                HttpResponse<String> alone = http.send(request(port, i, false), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, alone.statusCode(), alone.body());
                String text = new ObjectMapper().readTree(alone.body()).get("choices").get(0).get("text").asText();
                assertEquals(text, together.get(i), "request " + i + " alone and among " + REQUESTS);
            }
            String chatAlone = chatAsync("chat-3").get(300, TimeUnit.SECONDS);
            assertEquals(chatAlone, chatted.get(0));
            assertEquals(chatAlone, chatted.get(1));
            // A client that goes away mid-answer: its session is freed on the node too.
            var conn = (java.net.HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/v1/completions").toURL()
                    .openConnection();
            conn.setRequestMethod("POST");
            conn.setDoOutput(true);
            conn.getOutputStream().write("{\"prompt\": \"Once\", \"max_tokens\": 100000, \"stream\": true}"
                    .getBytes(StandardCharsets.UTF_8));
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(conn.getInputStream(),
                    StandardCharsets.UTF_8))) {
                assertTrue(in.readLine().startsWith("data: {"));
            }
            conn.disconnect();
            serve.awaitStderr(Pattern.compile("POST /v1/completions 499"), 60);
            // 64 streamed, 64 alone and the one cut short: each session ended on the node. The bound is
            // generous for a loaded machine; the releases themselves go out as each answer ends.
            awaitAllReleased(node, 2 * REQUESTS + 1);
            assertTrue(serve.stderr().lines().noneMatch(l -> l.matches("exo: POST \\S+ (4\\d[0-8]|5\\d\\d) .*")),
                    serve.stderr());
        }
    }

    private static HttpRequest request(int port, int i, boolean stream) {
        String body = "{\"prompt\": \"Once upon a time " + WORDS[i % WORDS.length] + " " + (i / WORDS.length)
                + "\", \"max_tokens\": 16, \"temperature\": 0, \"stream\": " + stream + "}";
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static final String[] WORDS = {"there", "a", "little", "girl", "named", "Lily", "loved", "to"};

    private static String streamedText(String sse) {
        StringBuilder text = new StringBuilder();
        try {
            for (String line : sse.split("\n")) {
                if (line.startsWith("data: {")) {
                    JsonNode chunk = new ObjectMapper().readTree(line.substring(6));
                    text.append(chunk.get("choices").get(0).get("text").asText());
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertTrue(sse.strip().endsWith("data: [DONE]"), sse);
        return text.toString();
    }

    /** An `exo chat` with an exo home of its own (so a node id of its own) through node-a. */
    private CompletableFuture<String> chatAsync(String name) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                        "-jar", Path.of(System.getProperty("exo.jar", "target/exo.jar")).toString(), "chat",
                        "--model-file", TestModels.stories260K().toString(), "--temperature", "0", "-n", "24",
                        "--discovery", "static", "--memory", "2GB", "--host", "127.0.0.1", "--threads", "1",
                        "--peers", nodeAddress));
                ProcessBuilder pb = new ProcessBuilder(cmd);
                pb.environment().put("EXO_HOME", home.resolve(name).toString());
                Process p = pb.start();
                try (var in = p.getOutputStream()) {
                    in.write("Once upon a time\n".getBytes(StandardCharsets.UTF_8));
                }
                var err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
                String out = read(p.getInputStream());
                assertTrue(p.waitFor(240, TimeUnit.SECONDS), "exo chat did not finish");
                assertEquals(0, p.exitValue(), err.get());
                assertTrue(err.get().contains("node-a"), "the chat ran through the ring: " + err.get());
                return out;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private String nodeAddress;

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final Pattern STARTED = Pattern.compile("session (serve-\\S+) started");
    private static final Pattern RELEASED = Pattern.compile("session (serve-\\S+) ended: released by the tail");

    private static java.util.Set<String> sessions(NodeProcess node, Pattern p) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        var m = p.matcher(node.log());
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Waits until {@code n} serve sessions were released on the node; fails naming the ones that were not. */
    private static void awaitAllReleased(NodeProcess node, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            if (sessions(node, RELEASED).size() >= n) {
                return;
            }
            Thread.sleep(100);
        }
        java.util.Set<String> open = sessions(node, STARTED);
        open.removeAll(sessions(node, RELEASED));
        throw new AssertionError(sessions(node, RELEASED).size() + " of " + n + " sessions released; started and "
                + "never released: " + open);
    }

    /**
     * Clients that leave, on a ring whose answers take long: a random-weight model of a few tens of
     * tokens a second, one session at a time. A whole request whose client leaves while it
     * generates has its session released on the node at once, as has a stream's; a request whose
     * client leaves while it waits for its turn never starts a session there.
     */
    @Test
    void aClientThatLeavesHasItsSessionReleasedOnTheNode() throws Exception {
        Path models = home.resolve("models");
        java.nio.file.Files.createDirectories(models);
        Path model = models.resolve("slow.gguf");
        new exo.synthetic.SyntheticModel(512, 8, 8, 8, 1536, 1024, 4096, exo.gguf.GgmlType.Q8_0, 7).write(model);
        try (NodeProcess node = NodeProcess.start("node-b", "8GB", home.resolve("node-b"), List.of(), models,
                Map.of(), "ggml");
             ExoProcess serve = ExoProcess.start(home, Map.of("EXO_HOME", home.resolve("serve-b").toString()), "serve",
                     "--model-file", model.toString(), "--peers", node.address(), "--discovery", "static", "--memory",
                     "2GB", "--http-port", "0", "--max-sessions", "1", "--queue", "2", "--threads", "1", "--host",
                     "127.0.0.1")) {
            int port = Integer.parseInt(serve.awaitStderr(Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)"), 60)
                    .group(1));
            assertTrue(serve.stderr().contains("exo: node-b: ready"), serve.stderr());
            String whole = "{\"prompt\": \"Once upon a time\", \"max_tokens\": 3000, \"temperature\": 0}";
            String streamed = whole.replace("}", ", \"stream\": true}");
            long wholeMs;
            long streamMs;
            try (java.net.Socket running = post(port, whole)) {
                String session = awaitNewSession(node, java.util.Set.of());
                Thread.sleep(300); // generating, token by token through the ring
                try (java.net.Socket queued = post(port, whole)) {
                    awaitMetric(port, "exo_queue_waiting 1");
                }
                awaitLog(serve, "exo: POST /v1/completions 499", 0);
                assertEquals(1, sessions(node, STARTED).size(), "the queued request never started a session: "
                        + node.log());
                running.close();
                wholeMs = awaitReleased(node, session);
            }
            java.util.Set<String> before = sessions(node, STARTED);
            try (java.net.Socket stream = post(port, streamed)) {
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(stream.getInputStream(),
                        StandardCharsets.UTF_8));
                for (String line; (line = in.readLine()) != null && !line.startsWith("data: {"); ) {
                    continue;
                }
                String session = awaitNewSession(node, before);
                stream.close();
                streamMs = awaitReleased(node, session);
            }
            awaitLog(serve, "exo: POST /v1/completions 499", 2);
            assertTrue(serve.stderr().lines().noneMatch(l -> l.matches("exo: POST \\S+ 200 .*")),
                    "no answer ran to its end: " + serve.stderr());
            java.nio.file.Files.writeString(Path.of("target", "serve-ring-figures.txt"), "released on the node "
                    + wholeMs + " ms after a whole request's client left, " + streamMs + " ms after a stream's\n");
        }
    }

    /** A request on a connection of its own, left open until the test closes it. */
    private static java.net.Socket post(int port, String body) throws java.io.IOException {
        java.net.Socket s = new java.net.Socket("127.0.0.1", port);
        s.getOutputStream().write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        return s;
    }

    private static String awaitNewSession(NodeProcess node, java.util.Set<String> known) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            for (String s : sessions(node, STARTED)) {
                if (!known.contains(s)) {
                    return s;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no session started on the node: " + node.log());
    }

    /** Waits (10 s at most) for {@code session}'s release on the node; returns the milliseconds it took. */
    private static long awaitReleased(NodeProcess node, String session) throws InterruptedException {
        long t0 = System.nanoTime();
        while (!sessions(node, RELEASED).contains(session)) {
            if (System.nanoTime() - t0 > 10_000_000_000L) {
                throw new AssertionError("session " + session + " not released 10 s after its client left: "
                        + node.log());
            }
            Thread.sleep(5);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Waits until the server's /metrics has the line {@code sample}. */
    private static void awaitMetric(int port, String sample) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        HttpClient http = HttpClient.newHttpClient();
        while (true) {
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            if (metrics.lines().anyMatch(sample::equals)) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no '" + sample + "' in " + metrics);
            }
            Thread.sleep(20);
        }
    }

    /** Waits until stderr has more than {@code already} lines containing {@code text}. */
    private static void awaitLog(ExoProcess p, String text, int already) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (p.stderr().lines().filter(l -> l.contains(text)).count() <= already) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no new '" + text + "' in " + p.stderr());
            }
            Thread.sleep(10);
        }
    }
}
