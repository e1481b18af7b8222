package exo.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.engine.Generator;
import exo.engine.java.JavaEngine;
import exo.engine.java.tensor.WorkerPool;
import exo.engine.sampling.Sampler;
import exo.engine.sampling.SamplingParams;
import exo.node.ring.ClusterRuntime;
import exo.node.ring.RingSettings;
import exo.node.ring.RingEngine;
import exo.peer.WireDtype;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prompt whose hidden state is larger than one frame: with the frame limit made small (64 KiB,
 * 240 positions of stories260K), it crosses the ring in chunks and the answer equals one
 * machine's; a send that fails reaches the tail at once instead of its timeout.
 */
class LongPromptIT {
    private static final int FRAME = 64 << 10;

    @TempDir
    Path home;

    @Test
    void aPromptLargerThanOneFrameRunsThroughTheRing() throws Exception {
        Path model = TestModels.stories260K();
        Tokenizer tokenizer = Tokenizers.fromMetadata(exo.gguf.GgufFile.readHeader(model).metadata());
        int[] prompt = tokenizer.encode("Once upon a time, there was a little dog. ".repeat(60), true, false);
        assertTrue(prompt.length * 64 * 4 > FRAME, prompt.length + " positions do not fill one frame");
        List<Integer> expected = new ArrayList<>();
        try (WorkerPool pool = new WorkerPool(1);
             JavaEngine one = JavaEngine.open(model, 0, -1, pool, 1024)) {
            generate(one, tokenizer, prompt, expected);
        }
        try (NodeProcess node = NodeProcess.start("node-a", "8GB", home.resolve("node-a"), List.of(), TestModels.dir(),
                Map.of(), "java", 1, List.of("--max-frame-bytes", String.valueOf(FRAME)))) {
            try (ClusterRuntime tail = TestTail.start(TestTail.config(List.of(node.address())).maxFrameBytes(FRAME)
                    .build(), home.resolve("tail"), 1, line -> { })) {
                try (RingEngine ring = tail.ringOf(TestTail.localFile("stories260K", model), new RingSettings(1024,
                        WireDtype.F32, Duration.ofMinutes(1), Duration.ofSeconds(60)), 2)) {
                    assertEquals(2, ring.ring().size());
                    List<Integer> got = new ArrayList<>();
                    generate(ring, tokenizer, prompt, got);
                    assertEquals(expected, got);
                    assertTrue(ring.stats().forwards() >= 3 + 19, "the prompt crossed in chunks: " + ring.stats());
                }
            }
        }
    }

    private static void generate(exo.engine.InferenceEngine engine, Tokenizer tokenizer, int[] prompt,
                                 List<Integer> out) {
        new Generator(engine, tokenizer, "s").generateFrom(prompt, 20, new Sampler(SamplingParams.GREEDY),
                (id, text) -> {
                    if (id >= 0) {
                        out.add(id);
                    }
                }, () -> false);
    }

    /** A node whose own frame limit is smaller than the tail's: its failed send is the tail's error, named. */
    @Test
    void aSendThatFailsOnANodeReachesTheTailAtOnce() throws Exception {
        Path model = TestModels.stories260K();
        Tokenizer tokenizer = Tokenizers.fromMetadata(exo.gguf.GgufFile.readHeader(model).metadata());
        int[] prompt = tokenizer.encode("Once upon a time, there was a little dog. ".repeat(60), true, false);
        try (NodeProcess node = NodeProcess.start("node-a", "8GB", home.resolve("node-a"), List.of(), TestModels.dir(),
                Map.of(), "java", 1, List.of("--max-frame-bytes", String.valueOf(FRAME)))) {
            try (ClusterRuntime tail = TestTail.start(TestTail.config(List.of(node.address())).build(),
                    home.resolve("tail"), 1, line -> { })) {
                // With five minutes to answer, only the node's report can end this forward soon.
                try (RingEngine ring = tail.ringOf(TestTail.localFile("stories260K", model), new RingSettings(1024,
                        WireDtype.F32, Duration.ofMinutes(1), Duration.ofMinutes(5)), 2)) {
                    var e = org.junit.jupiter.api.Assertions.assertThrows(exo.node.ring.RingException.class,
                            () -> ring.forward("s", 0, new exo.engine.Activations.Tokens(prompt)));
                    assertTrue(e.getMessage().contains("could not send") && e.getMessage().contains("node-a"),
                            e.getMessage());
                }
            }
        }
    }
}
