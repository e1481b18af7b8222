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
 * same request alone, nothing fails, and every session is freed on the node afterwards.
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
            // 64 streamed, 64 alone and the one cut short: each session ended on the node.
            assertTrue(awaitCount(node, "session serve-", "ended: released by the tail", 2 * REQUESTS + 1), node.log());
            assertTrue(serve.stderr().lines().noneMatch(l -> l.matches("exo: POST .* (4\\d[0-8]|5\\d\\d) .*")),
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

    private static boolean awaitCount(NodeProcess node, String prefix, String suffix, int n) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            long count = node.log().lines().filter(l -> l.contains(prefix) && l.contains(suffix)).count();
            if (count >= n) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
