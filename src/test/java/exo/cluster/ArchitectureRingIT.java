package exo.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.engine.Activations;
import exo.engine.InferenceEngine;
import exo.engine.ggml.GgmlEngine;
import exo.engine.sampling.Sampler;
import exo.engine.select.EngineKind;
import exo.node.ring.ClusterRuntime;
import exo.node.ring.RingEngine;
import exo.node.ring.RingSettings;
import exo.peer.RingEntry;
import exo.peer.WireDtype;
import exo.synthetic.TestArchitectures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every architecture through a ring of three machines (two real `exo node` processes on ggml and
 * this JVM's tail): the logits of a prompt and of greedy steps after it are, bit for bit, one
 * ggml engine's on the whole model. The nodes are started once and serve each model in turn.
 */
class ArchitectureRingIT {
    private static final int STEPS = 8;

    @TempDir
    static Path home;
    private static final List<NodeProcess> nodes = new ArrayList<>();
    private static ClusterRuntime tail;

    static Stream<TestArchitectures.Case> cases() {
        return TestArchitectures.all().stream();
    }

    @BeforeAll
    static void startRing() throws Exception {
        Path models = cases().findFirst().orElseThrow().file().getParent();
        for (String[] n : new String[][] {{"node-a", "8GB"}, {"node-b", "4GB"}}) {
            List<String> peers = new ArrayList<>();
            for (NodeProcess p : nodes) {
                peers.add(p.address());
            }
            nodes.add(NodeProcess.start(n[0], n[1], home.resolve(n[0]), peers, models, Map.of(), "ggml"));
        }
        List<String> peers = new ArrayList<>();
        for (NodeProcess p : nodes) {
            peers.add(p.address());
        }
        tail = TestTail.start(TestTail.config(peers).engine(EngineKind.GGML).memoryBytes(2L << 30).build(),
                home.resolve("tail"), nodes.size(), line -> { });
    }

    @AfterAll
    static void stopRing() throws Exception {
        if (tail != null) {
            tail.close();
        }
        for (NodeProcess n : nodes) {
            n.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aThreeMachineRingEqualsOneMachineBitForBit(TestArchitectures.Case c) throws Exception {
        Path model = c.file();
        int[] prompt = new int[16];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = i == 0 ? 1 : 259 + (i * 37) % (c.model().vocab() - 259);
        }
        List<float[]> expected;
        try (GgmlEngine one = GgmlEngine.open(model, 0, -1, 1, 256)) {
            expected = generate(one, prompt);
        }
        try (RingEngine ring = tail.ringOf(TestTail.localFile(c.name(), model),
                new RingSettings(256, WireDtype.F32, Duration.ofMinutes(2), Duration.ofMinutes(2)), tail.machines())) {
            assertEquals(List.of("node-a", "node-b", "tail"), ring.ring().stream().map(RingEntry::nodeId).toList());
            List<float[]> got = generate(ring, prompt);
            for (int i = 0; i < STEPS; i++) {
                assertArrayEquals(expected.get(i), got.get(i), c + ": logits at step " + i);
            }
        }
    }

    /** The last position's logits after the prompt, then after each greedy step. */
    private static List<float[]> generate(InferenceEngine engine, int[] prompt) {
        List<float[]> logits = new ArrayList<>();
        float[] l = ((Activations.Logits) engine.forward("s", 0, new Activations.Tokens(prompt))).last();
        int pos = prompt.length;
        for (int i = 0; i < STEPS; i++) {
            logits.add(l);
            l = ((Activations.Logits) engine.forward("s", pos++, new Activations.Tokens(new int[] {Sampler.argmax(l)})))
                    .last();
        }
        return logits;
    }
}
