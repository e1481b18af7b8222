package exo.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.download.FakeHub;
import exo.download.ProgressListener;
import exo.engine.Activations;
import exo.engine.java.JavaEngine;
import exo.engine.java.tensor.WorkerPool;
import exo.engine.sampling.Sampler;
import exo.node.SliceSource;
import exo.node.ring.ClusterRuntime;
import exo.node.ring.RingModel;
import exo.node.ring.RingSettings;
import exo.node.ring.RingEngine;
import exo.peer.ModelRef;
import exo.peer.WireDtype;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes with empty model directories and this JVM as the tail: each fetches only its slice
 * of stories260K from a local server speaking the Hugging Face API, and the ring generates
 * exactly what one machine with the whole file generates.
 */
class ClusterDownloadIT {
    private static final String REPO = "ggml-org/models";
    private static final String FILE = "tinyllamas/stories260K.gguf";

    @TempDir
    Path home;

    @Test
    void nodesFetchTheirSlicesAndTheRingMatchesOneMachine() throws Exception {
        Path model = TestModels.stories260K();
        try (FakeHub hub = FakeHub.start()) {
            hub.add(REPO, FILE, model);
            Map<String, String> env = Map.of("HF_ENDPOINT", hub.endpoint().toString());
            List<NodeProcess> nodes = new ArrayList<>();
            try {
                List<String> peers = new ArrayList<>();
                for (String id : List.of("node-a", "node-b")) {
                    Path nodeHome = home.resolve(id);
                    Path empty = Files.createDirectories(nodeHome.resolve("models"));
                    NodeProcess n = NodeProcess.start(id, "4GB", nodeHome, peers, empty, Map.of(
                            "HF_ENDPOINT", hub.endpoint().toString(), "HF_HOME", nodeHome.resolve("hf").toString()));
                    nodes.add(n);
                    peers.add(n.address());
                }
                List<String> status = new CopyOnWriteArrayList<>();
                try (ClusterRuntime tail = TestTail.start(TestTail.config(peers).memoryBytes(2L << 30).build(),
                        home.resolve("tail"), 2, status::add)) {
                    ModelRef ref = new ModelRef("stories-260k", FILE, Optional.of(REPO), "F32", Files.size(model));
                    // The tail fetches its own slice too, through the same code a node uses.
                    Map<String, String> tailEnv = Map.of("HF_ENDPOINT", hub.endpoint().toString(),
                            "HF_HOME", home.resolve("tail-hf").toString(), "EXO_HOME", home.resolve("tail").toString());
                    RingModel fetched = new RingModel("stories-260k", TestModels.shape(TestModels.stories260K()),
                            shard -> SliceSource.fromEnvironment(null, tailEnv).slice(ref, shard, ProgressListener.NONE),
                            path -> ref);
                    RingEngine ring = tail.ringOf(fetched, new RingSettings(512, WireDtype.F32, Duration.ofMinutes(2),
                            Duration.ofMinutes(2)), 3);
                    status.forEach(s -> System.out.println("status: " + s));
                    assertTrue(status.stream().anyMatch(s -> s.contains("bytes")), "progress reached the tail: " + status);
                    long sent = hub.bytesSent();
                    assertTrue(sent < 2 * Files.size(model), "only slices were fetched: " + sent + " bytes");

                    int[] prompt = {1, 403, 407, 261, 378};
                    int[] expected = greedy(prompt, null);
                    assertEquals(Arrays.toString(expected), Arrays.toString(greedy(prompt, ring)));
                    for (NodeProcess n : nodes) {
                        assertTrue(n.log().contains("loaded stories-260k"), n.log());
                    }
                }
            } finally {
                for (NodeProcess n : nodes) {
                    n.close();
                }
            }
        }
    }

    /** 40 greedy tokens through {@code ring}, or through the whole local file when it is null. */
    private static int[] greedy(int[] prompt, RingEngine ring) throws IOException {
        try (WorkerPool pool = new WorkerPool(1);
             JavaEngine whole = ring == null ? JavaEngine.openWhole(TestModels.stories260K(), pool) : null) {
            exo.engine.InferenceEngine e = ring != null ? ring : whole;
            int[] out = new int[40];
            float[] l = ((Activations.Logits) e.forward("s", 0, new Activations.Tokens(prompt))).last();
            for (int i = 0; i < out.length; i++) {
                out[i] = Sampler.argmax(l);
                l = ((Activations.Logits) e.forward("s", prompt.length + i, new Activations.Tokens(new int[] {out[i]})))
                        .last();
            }
            return out;
        }
    }
}
