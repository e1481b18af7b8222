package exo.engine.ggml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.engine.Activations;
import exo.engine.InferenceEngine;
import exo.engine.llamacpp.ContextOptions;
import exo.engine.llamacpp.LlamaCppEngine;
import exo.engine.llamacpp.Logits;
import java.nio.file.Path;
import exo.synthetic.SyntheticModel;
import exo.engine.java.JavaEngine;
import exo.engine.java.tensor.WorkerPool;
import exo.gguf.GgmlType;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ggml slice engine against llama.cpp's whole-model engine, and against itself split. */
class GgmlEngineTest {
    /** "Once upon a time" in stories260K's vocabulary, with BOS. */
    private static final int[] PROMPT = {1, 403, 407, 261, 378};

    @Test
    void storiesGreedyTokensAndLogitsMatchLlamaCpp() throws Exception {
        Path model = TestModels.stories260K();
        try (GgmlEngine ggml = GgmlEngine.open(model, 0, -1, 2, 512);
             LlamaCppEngine cpp = LlamaCppEngine.open(model, 0, -1, ContextOptions.of(2, 512))) {
            Compared c = greedy(ggml, cpp, PROMPT, 64);
            assertArrayEquals(c.expected, c.actual);
            assertTrue(c.maxDiff < 1e-3, "logits differ by " + c.maxDiff);
        }
    }

    @TempDir
    static Path dir;

    /** Synthetic files with llama.cpp's own quantizer's bytes: every mix people download, and the plain types. */
    @ParameterizedTest
    @ValueSource(strings = {"Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0", "Q4_0", "Q3_K_M", "Q2_K", "F16"})
    void syntheticGreedyTokensAndLogitsMatchLlamaCpp(String quant) throws Exception {
        matchesLlamaCpp(new SyntheticModel(256, 4, 8, 4, 512, 1024, 512, GgmlType.F32, 5).quantized(quant));
    }

    /** Qwen2 (Q/K/V biases, NeoX rope) as llama.cpp builds it. */
    @Test
    void qwen2GreedyTokensAndLogitsMatchLlamaCpp() throws Exception {
        matchesLlamaCpp(new SyntheticModel(256, 4, 8, 4, 512, 1024, 512, GgmlType.F32, 9).quantized("Q4_K_M").as("qwen2"));
    }

    /**
     * Qwen3 (per-head Q/K norms) is newer than the library's llama.cpp build, which cannot load
     * it; the Java engine is the reference instead. It keeps F32 keys and values where ggml keeps
     * F16, so the bar is closeness, not equality.
     */
    @Test
    void qwen3AgreesWithTheJavaEngine() throws Exception {
        SyntheticModel synthetic = new SyntheticModel(256, 4, 8, 4, 512, 1024, 512, GgmlType.F32, 9).as("qwen3");
        Path model = dir.resolve("qwen3-F32.gguf");
        synthetic.write(model);
        int[] tokens = new int[32];
        SplittableRandom rnd = new SplittableRandom(17);
        tokens[0] = 1;
        for (int i = 1; i < tokens.length; i++) {
            tokens[i] = 259 + rnd.nextInt(synthetic.vocab() - 259);
        }
        try (WorkerPool pool = new WorkerPool(1);
             GgmlEngine ggml = GgmlEngine.open(model, 0, -1, 2, 512);
             JavaEngine java = JavaEngine.open(model, 0, -1, pool, 512)) {
            Activations.Logits x = (Activations.Logits) ggml.forward("q", 0, new Activations.Tokens(tokens), true);
            Activations.Logits y = (Activations.Logits) java.forward("q", 0, new Activations.Tokens(tokens), true);
            double worst = 0;
            for (int i = 0; i < x.data().length; i++) {
                worst = Math.max(worst, Math.abs(x.data()[i] - y.data()[i]));
            }
            int agree = 0;
            for (int t = 0; t < tokens.length; t++) {
                agree += Logits.argmax(x.row(t)) == Logits.argmax(y.row(t)) ? 1 : 0;
            }
            assertTrue(worst < 0.05, "logits differ by " + worst);
            assertTrue(agree >= 30, agree + " of 32 top tokens agree");
        }
    }

    private static void matchesLlamaCpp(SyntheticModel synthetic) throws Exception {
        Path model = dir.resolve(synthetic.architecture() + "-" + synthetic.mix().name() + ".gguf");
        synthetic.write(model);
        int[] prompt = new int[40];
        SplittableRandom rnd = new SplittableRandom(13);
        prompt[0] = 1;
        for (int i = 1; i < prompt.length; i++) {
            prompt[i] = 259 + rnd.nextInt(synthetic.vocab() - 259);
        }
        try (GgmlEngine ggml = GgmlEngine.open(model, 0, -1, 2, 512);
             LlamaCppEngine cpp = LlamaCppEngine.open(model, 0, -1, ContextOptions.of(2, 512))) {
            Compared c = greedy(ggml, cpp, prompt, 64);
            assertArrayEquals(c.expected, c.actual, synthetic.mix().name());
            assertTrue(c.maxDiff < 1e-3, synthetic.mix().name() + ": logits differ by " + c.maxDiff);
        }
    }

    @Test
    void slicesAreBitIdenticalToOneEngine() throws Exception {
        Path model = TestModels.stories260K();
        try (GgmlEngine whole = GgmlEngine.open(model, 0, -1, 2, 512);
             GgmlEngine a = GgmlEngine.open(model, 0, 2, 2, 512);
             GgmlEngine b = GgmlEngine.open(model, 2, 4, 2, 512);
             GgmlEngine c = GgmlEngine.open(model, 4, 5, 2, 512)) {
            int[] tokens = PROMPT;
            int position = 0;
            for (int step = 0; step < 20; step++) {
                Activations one = whole.forward("s", position, new Activations.Tokens(tokens), true);
                Activations split = c.forward("s", position, b.forward("s", position,
                        a.forward("s", position, new Activations.Tokens(tokens))), true);
                float[] x = ((Activations.Logits) one).data();
                float[] y = ((Activations.Logits) split).data();
                assertArrayEquals(x, y, "step " + step);
                position += tokens.length;
                tokens = new int[] {Logits.argmax(((Activations.Logits) one).last())};
            }
        }
    }

    @Test
    void closingTwiceIsHarmlessAndAClosedEngineRefusesWork() throws Exception {
        GgmlEngine e = GgmlEngine.open(TestModels.stories260K(), 0, -1, 1, 64);
        e.forward("s", 0, new Activations.Tokens(PROMPT));
        e.close();
        e.close();
        e.release("s");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> e.forward("s", 0, new Activations.Tokens(PROMPT)));
    }

    record Compared(int[] expected, int[] actual, double maxDiff) {
    }

    /** Greedy decoding in both engines, each fed its own choice; the worst logit gap seen. */
    static Compared greedy(InferenceEngine engine, InferenceEngine reference, int[] prompt, int steps) {
        int[] mine = new int[steps];
        int[] theirs = new int[steps];
        double worst = 0;
        float[] x = ((Activations.Logits) engine.forward("g", 0, new Activations.Tokens(prompt))).last();
        float[] y = ((Activations.Logits) reference.forward("g", 0, new Activations.Tokens(prompt))).last();
        for (int i = 0; i < steps; i++) {
            for (int v = 0; v < x.length; v++) {
                worst = Math.max(worst, Math.abs(x[v] - y[v]));
            }
            mine[i] = Logits.argmax(x);
            theirs[i] = Logits.argmax(y);
            if (i + 1 < steps) {
                x = ((Activations.Logits) engine.forward("g", prompt.length + i, new Activations.Tokens(new int[] {mine[i]}))).last();
                y = ((Activations.Logits) reference.forward("g", prompt.length + i, new Activations.Tokens(new int[] {theirs[i]}))).last();
            }
        }
        return new Compared(theirs, mine, worst);
    }
}
