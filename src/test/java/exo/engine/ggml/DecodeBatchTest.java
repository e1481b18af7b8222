package exo.engine.ggml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.synthetic.SyntheticModel;
import exo.engine.Activations;
import exo.engine.llamacpp.Logits;
import exo.gguf.GgmlType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import exo.synthetic.TestArchitectures;
import java.util.stream.Stream;

/**
 * Decode steps of several sessions in one graph: each session's logits must have the bits of
 * its steps run alone, for every weight type (each takes its own matrix-product kernel) and
 * across slices.
 */
class DecodeBatchTest {
    @TempDir
    static Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"stories260K", "Q4_K_M", "Q5_K_M", "Q3_K_M", "Q2_K", "Q6_K", "Q8_0", "Q4_0", "F16",
            "qwen2"})
    void stepsRunTogetherHaveTheBitsOfStepsRunAlone(String kind) throws Exception {
        boolean exact = !kind.equals("stories260K") && !kind.equals("F16");
        batchedStepsKeepTheirBits(model(kind), kind.equals("stories260K") ? 512 : 1024, kind, 5, 12, 2, exact);
    }

    /**
     * Mixtures of experts batch too: each column's experts go through ggml_mul_mat_id on their own,
     * and the F32 routers (whose two-column products llamafile would sum in another order) are
     * multiplied one column at a time; latent attention and Gemma's sliding window as well.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("batchedArchitectures")
    void expertStepsRunTogetherHaveTheBitsOfStepsRunAlone(TestArchitectures.Case c) throws Exception {
        batchedStepsKeepTheirBits(c.file(), c.model().vocab(), c.toString(), 3, 3, 1, true);
    }

    static Stream<TestArchitectures.Case> batchedArchitectures() {
        return Stream.of(TestArchitectures.mixtral("Q4_K_M"), TestArchitectures.qwen2moe("Q8_0"),
                TestArchitectures.deepseek3Groups("Q8_0"), TestArchitectures.gemma3("Q4_K_M"));
    }

    private static void batchedStepsKeepTheirBits(Path model, int vocab, String kind, int sessions, int steps,
                                                  int threads, boolean exact) throws Exception {
        try (GgmlEngine alone = GgmlEngine.open(model, 0, -1, threads, 256);
             GgmlEngine together = GgmlEngine.open(model, 0, -1, threads, 256)) {
            int[][] prompts = prompts(sessions, vocab);
            int[] positions = new int[sessions];
            int[] next = new int[sessions];
            for (int s = 0; s < sessions; s++) {
                float[] a = ((Activations.Logits) alone.forward("s" + s, 0, new Activations.Tokens(prompts[s]))).last();
                float[] b = ((Activations.Logits) together.forward("s" + s, 0, new Activations.Tokens(prompts[s]))).last();
                assertArrayEquals(a, b);
                positions[s] = prompts[s].length;
                next[s] = Logits.argmax(a);
            }
            for (int step = 0; step < steps; step++) {
                List<String> ids = new ArrayList<>();
                List<Activations> inputs = new ArrayList<>();
                for (int s = 0; s < sessions; s++) {
                    ids.add("s" + s);
                    inputs.add(new Activations.Tokens(new int[] {next[s]}));
                }
                List<Activations> batched = decodeTogether(together, ids, positions.clone(), inputs);
                for (int s = 0; s < sessions; s++) {
                    float[] a = ((Activations.Logits) alone.forward("s" + s, positions[s], inputs.get(s))).last();
                    assertArrayEquals(a, ((Activations.Logits) batched.get(s)).last(),
                            kind + ": session " + s + " at step " + step);
                    positions[s]++;
                    next[s] = Logits.argmax(a);
                }
            }
            assertEquals(exact ? sessions : 1, together.decodeBatching(), 1e-9,
                    exact ? "every step ran in a graph of all sessions" : "F32 and F16 steps run one per graph");
        }
    }

    /** A head slice and a tail slice, each batching: hidden states in, logits out. */
    @Test
    void slicesBatchHiddenStatesToo() throws Exception {
        Path model = model("Q4_K_M");
        int sessions = 3;
        try (GgmlEngine whole = GgmlEngine.open(model, 0, -1, 2, 256);
             GgmlEngine head = GgmlEngine.open(model, 0, 2, 2, 256);
             GgmlEngine tail = GgmlEngine.open(model, 2, -1, 2, 256)) {
            int[][] prompts = prompts(sessions, 1024);
            int[] positions = new int[sessions];
            List<Activations> inputs = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                Activations.Tokens p = new Activations.Tokens(prompts[s]);
                float[] a = ((Activations.Logits) whole.forward("s" + s, 0, p)).last();
                tail.forward("s" + s, 0, head.forward("s" + s, 0, p));
                positions[s] = prompts[s].length;
                ids.add("s" + s);
                inputs.add(new Activations.Tokens(new int[] {Logits.argmax(a)}));
            }
            List<Activations> hidden = decodeTogether(head, ids, positions.clone(), inputs);
            List<Activations> logits = decodeTogether(tail, ids, positions.clone(), hidden);
            for (int s = 0; s < sessions; s++) {
                float[] a = ((Activations.Logits) whole.forward("s" + s, positions[s], inputs.get(s))).last();
                assertArrayEquals(a, ((Activations.Logits) logits.get(s)).last(), "session " + s);
            }
        }
    }

    /** Threads stepping their own sessions at once get batched, and each gets its own steps' bits. */
    @Test
    void concurrentCallersShareGraphsAndKeepTheirBits() throws Exception {
        Path model = model("Q4_K_M");
        int sessions = 6;
        int steps = 40;
        try (GgmlEngine alone = GgmlEngine.open(model, 0, -1, 2, 256);
             GgmlEngine shared = GgmlEngine.open(model, 0, -1, 2, 256)) {
            int[][] prompts = prompts(sessions, 1024);
            int[][] expected = new int[sessions][];
            for (int s = 0; s < sessions; s++) {
                expected[s] = greedy(alone, "a" + s, prompts[s], steps);
            }
            ExecutorService pool = Executors.newFixedThreadPool(sessions);
            try {
                List<Future<int[]>> answers = new ArrayList<>();
                for (int s = 0; s < sessions; s++) {
                    int session = s;
                    answers.add(pool.submit(() -> greedy(shared, "t" + session, prompts[session], steps)));
                }
                for (int s = 0; s < sessions; s++) {
                    assertArrayEquals(expected[s], answers.get(s).get(), "session " + s);
                }
            } finally {
                pool.shutdownNow();
            }
            assertTrue(shared.decodeBatching() > 1, "steps overlapped but never shared a graph: "
                    + shared.decodeBatching());
        }
    }

    /**
     * Two engines in one process stepping at once (a node holding slices of two models): each
     * answer must be the one it gives alone. ggml's CPU compute shares state between backends,
     * so without one graph per process at a time some answers came out different.
     */
    @Test
    void twoEnginesInOneProcessKeepTheirBits() throws Exception {
        Path model = TestModels.stories260K();
        try (GgmlEngine a = GgmlEngine.open(model, 0, -1, 1, 256);
             GgmlEngine b = GgmlEngine.open(model, 0, -1, 1, 256)) {
            int[] prompt = {1, 403, 407};
            int[] expected = greedy(a, "alone", prompt, 60);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int trial = 0; trial < 10; trial++) {
                    String id = "trial" + trial;
                    Future<int[]> x = pool.submit(() -> greedy(a, id, prompt, 60));
                    Future<int[]> y = pool.submit(() -> greedy(b, id, prompt, 60));
                    assertArrayEquals(expected, x.get(), "first engine, trial " + trial);
                    assertArrayEquals(expected, y.get(), "second engine, trial " + trial);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** A step a session cannot take fails alone; the others in its graph go on. */
    @Test
    void aBadStepFailsAloneInItsBatch() throws Exception {
        try (GgmlEngine e = GgmlEngine.open(model("Q4_K_M"), 0, -1, 2, 256)) {
            e.forward("a", 0, new Activations.Tokens(new int[] {1, 403}));
            e.forward("b", 0, new Activations.Tokens(new int[] {1, 407}));
            List<Activations> in = List.of(new Activations.Tokens(new int[] {261}),
                    new Activations.Tokens(new int[] {261}), new Activations.Tokens(new int[] {261}));
            IllegalStateException e1 = assertThrows(IllegalStateException.class,
                    () -> decodeTogether(e, List.of("a", "b", "c"), new int[] {2, 2, 5}, in));
            assertTrue(e1.getMessage().contains("session c holds 0 positions"), e1.getMessage());
            assertEquals(3, e.sessionLength("a"), "session a took its step");
            assertEquals(3, e.sessionLength("b"), "session b took its step");
        }
    }

    private static int[] greedy(GgmlEngine engine, String session, int[] prompt, int steps) {
        int[] out = new int[steps];
        Activations.Logits l = (Activations.Logits) engine.forward(session, 0, new Activations.Tokens(prompt));
        int position = prompt.length;
        for (int i = 0; i < steps; i++) {
            out[i] = Logits.argmax(l.last());
            l = (Activations.Logits) engine.forward(session, position++, new Activations.Tokens(new int[] {out[i]}));
        }
        return out;
    }

    private static int[][] prompts(int sessions, int vocab) {
        SplittableRandom rnd = new SplittableRandom(23);
        int[][] prompts = new int[sessions][];
        for (int s = 0; s < sessions; s++) {
            prompts[s] = new int[3 + 4 * s];
            prompts[s][0] = 1;
            for (int i = 1; i < prompts[s].length; i++) {
                prompts[s][i] = 259 + rnd.nextInt(vocab - 259);
            }
        }
        return prompts;
    }

    private static Path model(String kind) throws Exception {
        if (kind.equals("stories260K")) {
            return TestModels.stories260K();
        }
        SyntheticModel synthetic = new SyntheticModel(256, 4, 8, 4, 512, 1024, 512, GgmlType.F32, 5);
        synthetic = kind.equals("qwen2") ? synthetic.quantized("Q4_K_M").as("qwen2") : synthetic.quantized(kind);
        Path path = dir.resolve(kind + ".gguf");
        if (!java.nio.file.Files.exists(path)) {
            synthetic.write(path);
        }
        return path;
    }

    /** One position of each session queued together, as steps arriving at once would run. */
    private static List<Activations> decodeTogether(GgmlEngine engine, List<String> sessions, int[] positions,
                                                    List<Activations> inputs) {
        List<GgmlEngine.DecodeStep> steps = new java.util.ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
            steps.add(GgmlEngine.DecodeStep.of(sessions.get(i), positions[i], inputs.get(i)));
        }
        return engine.decode(steps);
    }
}
