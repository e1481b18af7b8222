package exo.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.TestModels;
import exo.synthetic.SyntheticModel;
import exo.engine.Activations;
import exo.engine.InferenceEngine;
import exo.engine.ggml.GgmlEngine;
import exo.engine.sampling.Sampler;
import exo.engine.select.EngineKind;
import exo.gguf.GgmlType;
import exo.node.ring.ClusterRuntime;
import exo.node.ring.RingSettings;
import exo.node.ring.RingEngine;
import exo.peer.RingEntry;
import exo.peer.WireDtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rings of real `exo node` processes on ggml: a Q4_K_M file (which only ggml computes) across
 * three machines answers bit for bit as one ggml engine, and a ring that mixes a Java node with
 * ggml nodes gives the same greedy tokens.
 */
class GgmlRingIT {
    private static final int STEPS = 40;

    @TempDir
    Path home;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private ClusterRuntime tail;

    @AfterEach
    void stopAll() throws Exception {
        if (tail != null) {
            tail.close();
        }
        for (NodeProcess n : nodes) {
            n.close();
        }
    }

    private void startNode(String id, String memory, Path models, String engine) throws Exception {
        List<String> peers = addresses();
        nodes.add(NodeProcess.start(id, memory, home.resolve(id), peers, models, Map.of(), engine));
    }

    private List<String> addresses() throws Exception {
        List<String> out = new ArrayList<>();
        for (NodeProcess n : nodes) {
            out.add(n.address());
        }
        return out;
    }

    private RingEngine ring(Path model, String id, int layers, EngineKind tailEngine) throws Exception {
        tail = TestTail.start(TestTail.config(addresses()).engine(tailEngine).memoryBytes(2L << 30).build(),
                home.resolve("tail"), nodes.size(), line -> System.out.println("status: " + line));
        return tail.ringOf(TestTail.localFile(id, model),
                new RingSettings(512, WireDtype.F32, Duration.ofMinutes(2), Duration.ofMinutes(2)), tail.machines());
    }

    private static List<float[]> generate(InferenceEngine engine, int[] prompt, List<Integer> tokens) {
        List<float[]> logits = new ArrayList<>();
        float[] l = ((Activations.Logits) engine.forward("s", 0, new Activations.Tokens(prompt))).last();
        int pos = prompt.length;
        for (int i = 0; i < STEPS; i++) {
            logits.add(l);
            int next = Sampler.argmax(l);
            tokens.add(next);
            l = ((Activations.Logits) engine.forward("s", pos++, new Activations.Tokens(new int[] {next}))).last();
        }
        return logits;
    }

    @Test
    void q4KMRingOnGgmlEqualsOneGgmlMachineBitForBit() throws Exception {
        Path models = Files.createDirectories(home.resolve("models"));
        Path model = models.resolve("synthetic-q4km.gguf");
        new SyntheticModel(256, 6, 8, 4, 512, 1024, 512, GgmlType.F32, 21).quantized("Q4_K_M").write(model);
        int[] prompt = new int[30];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = i == 0 ? 1 : 259 + (i * 37) % 700;
        }
        List<Integer> expectedTokens = new ArrayList<>();
        List<float[]> expected;
        try (GgmlEngine one = GgmlEngine.open(model, 0, -1, 1, 512)) {
            expected = generate(one, prompt, expectedTokens);
        }
        startNode("node-a", "8GB", models, "ggml");
        startNode("node-b", "4GB", models, "ggml");
        RingEngine ring = ring(model, "synthetic-q4km", 6, EngineKind.GGML);
        assertEquals(List.of("node-a", "node-b", "tail"), ring.ring().stream().map(RingEntry::nodeId).toList());
        List<Integer> tokens = new ArrayList<>();
        List<float[]> got = generate(ring, prompt, tokens);
        assertEquals(expectedTokens, tokens);
        for (int i = 0; i < STEPS; i++) {
            assertArrayEquals(expected.get(i), got.get(i), "logits at step " + i);
        }
    }

    @Test
    void aRingMixingJavaAndGgmlNodesGivesTheSameTokens() throws Exception {
        Path model = TestModels.stories260K();
        int[] prompt = {1, 403, 407, 261, 378}; // BOS "Once upon a time"
        List<Integer> expectedTokens = new ArrayList<>();
        try (GgmlEngine one = GgmlEngine.open(model, 0, -1, 1, 512)) {
            generate(one, prompt, expectedTokens);
        }
        startNode("node-a", "8GB", TestModels.dir(), "java");
        startNode("node-b", "4GB", TestModels.dir(), "ggml");
        RingEngine ring = ring(model, "stories260K", 5, EngineKind.GGML);
        List<Integer> tokens = new ArrayList<>();
        generate(ring, prompt, tokens);
        assertEquals(expectedTokens, tokens);
    }
}
