package exo.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import exo.TestModels;
import exo.download.ExoProcess;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `exo ps` against real processes: a node, and an `exo chat` that stays open between turns so
 * its session lives on both. ps shows the layers each loaded and the one conversation, with
 * its ring, once; when the chat ends, the node holds no session. And `--wait-for-peers` ends a
 * long wait for the LAN as soon as that many nodes answered.
 */
class PsIT {
    @TempDir
    Path home;

    @Test
    void psShowsTheOpenChatOnEveryNodeOfItsRingAndNothingOnceItEnds() throws Exception {
        try (NodeProcess node = NodeProcess.start("node-a", "2GB", home.resolve("node-a"), List.of(), TestModels.dir(),
                Map.of(), "ggml")) {
            int chatPort = freePort();
            String chatAddress = "127.0.0.1:" + chatPort;
            Process chat = chat("chat-1", List.of("--peers", node.address(), "--discovery", "static", "--port",
                    String.valueOf(chatPort)));
            try (OutputStream in = chat.getOutputStream()) {
                in.write("Once upon a time\n".getBytes(StandardCharsets.UTF_8));
                in.flush();
                JsonNode ps = awaitSession(node.address() + "," + chatAddress);
                JsonNode nodes = ps.get("nodes");
                assertEquals(2, nodes.size(), ps.toPrettyString());
                JsonNode a = byId(nodes, "node-a");
                JsonNode tail = byId(nodes, "chat-1");
                assertTrue(a.get("answered").asBoolean() && tail.get("answered").asBoolean(), ps.toPrettyString());
                // The two slices of stories260K's 5 layers: the node's from 0, the tail's to the end.
                JsonNode aShard = a.get("loaded").get(0);
                JsonNode tailShard = tail.get("loaded").get(0);
                assertEquals("stories260K", aShard.get("model").asText());
                assertEquals(0, aShard.get("start").asInt());
                assertEquals(aShard.get("end").asInt(), tailShard.get("start").asInt());
                assertEquals(5, tailShard.get("end").asInt());
                // Both nodes hold the session; ps lists it once, with the ring head first.
                assertEquals(1, a.get("sessions").size(), ps.toPrettyString());
                assertEquals(1, tail.get("sessions").size(), ps.toPrettyString());
                JsonNode session = ps.get("sessions").get(0);
                assertEquals(1, ps.get("sessions").size(), ps.toPrettyString());
                assertEquals("chat-1", session.get("tail").asText());
                assertEquals(List.of("node-a", "chat-1"), strings(session.get("ring")));
                assertEquals(a.get("sessions").get(0).get("session").asText(), session.get("session").asText());
                assertTrue(session.get("tokens").asInt() > 4, ps.toPrettyString());

                ExoProcess.Result text = ExoProcess.run(home, Map.of("EXO_HOME", home.resolve("ps").toString()), "ps",
                        "--peers", node.address() + "," + chatAddress, "--discovery", "static");
                assertEquals(0, text.exitCode(), text.err());
                assertTrue(text.out().contains("node-a -> chat-1"), text.out());
                assertTrue(text.out().contains("stories260K [0, "), text.out());
            }
            // Standard input closed: the chat ends and frees its session on the node.
            assertTrue(chat.waitFor(60, TimeUnit.SECONDS), "exo chat did not end");
            assertTrue(node.awaitLog("ended: released by the tail", 30_000), node.log());
            ExoProcess.Result after = ExoProcess.run(home, Map.of("EXO_HOME", home.resolve("ps").toString()), "ps",
                    "--peers", node.address(), "--discovery", "static");
            assertEquals(0, after.exitCode(), after.err());
            assertTrue(after.out().contains("no sessions running"), after.out());
        }
    }

    @Test
    void waitForPeersEndsTheWaitForTheLanOnceThatManyAnswered() throws Exception {
        try (NodeProcess node = NodeProcess.start("node-a", "2GB", home.resolve("node-a"), List.of())) {
            long started = System.nanoTime();
            // Listening on the LAN for 10 minutes unless one node answers: it does at once.
            ExoProcess.Result peers = ExoProcess.run(home, Map.of("EXO_HOME", home.resolve("peers").toString()),
                    "peers", "--peers", node.address(), "--wait-ms", "600000", "--wait-for-peers", "1", "--json");
            assertEquals(0, peers.exitCode(), peers.err());
            assertTrue(peers.out().contains("\"id\" : \"node-a\""), peers.out());
            assertTrue(peers.err().contains("looking for exo nodes on the LAN (up to 600 s, or until 1 answer)"),
                    peers.err());
            // A tail forming its ring: the same.
            Process chat = chat("chat-2", List.of("--peers", node.address(), "--discovery", "both", "--wait-ms", "600000",
                    "--wait-for-peers", "1"));
            try (OutputStream in = chat.getOutputStream()) {
                in.write("Once upon a time\n".getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(chat.waitFor(60, TimeUnit.SECONDS), "exo chat still waits");
            String err = java.nio.file.Files.readString(home.resolve("chat-2.err"));
            assertEquals(0, chat.exitValue(), err);
            assertTrue(err.contains("or until 1 answer)...") && err.contains("found 1 node: node-a"), err);
            // Each process had 60 s: both ended long before their 600 s waits.
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(120));
        }
    }

    /** An `exo chat` of stories260K named {@code id}, its output in files named after it. */
    private Process chat(String id, List<String> options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-jar", Path.of(System.getProperty("exo.jar", "target/exo.jar")).toString(), "chat",
                "--model-file", TestModels.stories260K().toString(), "--temperature", "0", "-n", "16",
                "--memory", "2GB", "--host", "127.0.0.1", "--node-id", id, "--name", id, "--threads", "1"));
        cmd.addAll(options);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(home.resolve(id + ".out").toFile())
                .redirectError(home.resolve(id + ".err").toFile());
        pb.environment().put("EXO_HOME", home.resolve(id).toString());
        return pb.start();
    }

    /** Asks `exo ps --json` until a session has been answered (the chat's first turn is done). */
    private JsonNode awaitSession(String peers) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        JsonNode last = null;
        while (System.currentTimeMillis() < deadline) {
            ExoProcess.Result r = ExoProcess.run(home, Map.of("EXO_HOME", home.resolve("ps").toString()), "ps",
                    "--peers", peers, "--discovery", "static", "--json");
            assertEquals(0, r.exitCode(), r.err());
            last = new ObjectMapper().readTree(r.out());
            if (last.get("sessions").size() > 0 && java.nio.file.Files.readString(home.resolve("chat-1.out")).length() > 20) {
                return last;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no session within 120 s: " + last + "\nchat: "
                + java.nio.file.Files.readString(home.resolve("chat-1.err")));
    }

    private static JsonNode byId(JsonNode nodes, String id) {
        for (JsonNode n : nodes) {
            if (id.equals(n.path("id").asText())) {
                return n;
            }
        }
        throw new AssertionError("no node " + id + " in " + nodes.toPrettyString());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
