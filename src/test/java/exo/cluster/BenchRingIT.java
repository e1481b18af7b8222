package exo.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import exo.TestModels;
import exo.download.ExoProcess;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `exo bench` through a 2-node ring of real processes on loopback (a ggml node and a Java tail):
 * rows for this machine alone and for the ring, the ring's rows with where the time went. Figures are checked for sanity,
 * never against a speed.
 */
class BenchRingIT {
    @TempDir
    Path home;

    @Test
    void benchmarksAloneAndThroughATwoNodeRing() throws Exception {
        try (NodeProcess node = NodeProcess.start("node-a", "8GB", home.resolve("node-a"), List.of(), TestModels.dir(),
                Map.of(), "ggml")) {
            ExoProcess.Result r = ExoProcess.run(home, Map.of("EXO_HOME", home.resolve("tail").toString()), "bench",
                    "--model-file", TestModels.stories260K().toString(), "--peers", node.address(), "--discovery",
                    "static", "--node-id", "tail", "--name", "tail", "--memory", "4GB", "--host", "127.0.0.1",
                    "--engine", "java", "-t", "1", "--nodes", "1,2", "-p", "32", "-n", "8", "-r", "2",
                    "--sessions", "1,2", "--json");
            assertEquals(0, r.exitCode(), r.err());
            JsonNode rows = new ObjectMapper().readTree(r.out()).get("results");
            // per ring size: pp32, tg8 with one session, tg8 with two
            assertEquals(6, rows.size(), r.out());
            Map<String, Double> alone = new HashMap<>();
            for (JsonNode row : rows) {
                assertTrue(row.get("tokens_per_second").asDouble() > 0, row.toString());
                assertTrue(row.get("ttft_ms").asDouble() > 0, row.toString());
                // the streams start together, so none takes longer than all of them: each goes at least its share
                double perStream = row.get("per_session_tokens_per_second").asDouble();
                assertTrue(perStream >= row.get("tokens_per_second").asDouble() / row.get("sessions").asInt() * 0.999,
                        row.toString());
                if (row.get("nodes").asInt() == 1) {
                    assertTrue(row.get("ring").isNull(), row.toString());
                    alone.put(row.get("test").asText() + "x" + row.get("sessions").asInt(),
                            row.get("tokens_per_second").asDouble());
                    continue;
                }
                assertEquals(2, row.get("nodes").asInt(), row.toString());
                assertEquals("ggml+java", row.get("engine").asText(), "node-a runs ggml, this machine java");
                JsonNode ring = row.get("ring");
                assertTrue(ring.get("hop_ms").asDouble() > 0, row.toString());
                // stories260K's hidden state is 64 F32 values: 4 bytes of token id to the head, 256 back to the tail
                assertEquals(4 + 64 * 4, ring.get("wire_bytes_per_token").asDouble(), 1e-9, row.toString());
                JsonNode nodes = ring.get("nodes");
                assertEquals(2, nodes.size(), row.toString());
                assertEquals(List.of("node-a", "this machine"), List.of(nodes.get(0).get("node").asText(),
                        nodes.get(1).get("node").asText()));
                int next = 0;
                for (JsonNode n : nodes) {
                    String[] layers = n.get("layers").asText().split("-");
                    assertEquals(next, Integer.parseInt(layers[0]), row.toString());
                    next = Integer.parseInt(layers[1]) + 1;
                    double compute = n.get("compute_share").asDouble();
                    double queue = n.get("queue_share").asDouble();
                    assertTrue(compute > 0 && compute + queue <= 1.0001, row.toString());
                }
                assertEquals(5, next, "the two nodes hold stories260K's five layers");
            }
            assertEquals(3, alone.size(), "pp32, tg8 and tg8 with two sessions on this machine alone: " + alone);
        }
    }
}
