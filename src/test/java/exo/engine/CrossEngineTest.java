package exo.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.synthetic.SyntheticModel;
import exo.engine.java.JavaEngine;
import exo.engine.java.tensor.WorkerPool;
import exo.engine.llamacpp.ContextOptions;
import exo.engine.llamacpp.LlamaCppEngine;
import exo.engine.sampling.Sampler;
import exo.engine.sampling.SamplingParams;
import exo.gguf.GgmlType;
import exo.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Java engine against llama.cpp on the same files. On synthetic Llama-shaped models in
 * every tensor type, the same 32 tokens are fed to both (teacher forcing) and at each position
 * the two engines' top tokens and their probabilities are compared. llama.cpp converts
 * activations to the weights' type before multiplying (Q8 blocks for Q8_0/Q4_0, F16, BF16),
 * so equality is not the bar; a wrong block layout would show as no agreement at all.
 */
class CrossEngineTest {
    private static final int POSITIONS = 32;
    /** Share of positions whose top token must agree. */
    private static final double MIN_AGREEMENT = 0.9;
    /** Largest difference allowed between the two engines' probability for the Java top token. */
    private static final double MAX_PROBABILITY_GAP = 0.05;

    @TempDir
    static Path dir;
    private static WorkerPool pool;

    @BeforeAll
    static void start() {
        pool = new WorkerPool(1);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0"})
    void teacherForcedTopTokensAgree(GgmlType type) throws Exception {
        teacherForce(new SyntheticModel(256, 4, 8, 4, 512, 1024, 256, type, 7));
    }

    /** The K-quant mixes people download, with llama.cpp's own quantizer's bytes and per-tensor types. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"Q4_K_M", "Q5_K_M", "Q3_K_M", "Q6_K", "Q2_K"})
    void kQuantMixTopTokensAgree(String quant) throws Exception {
        teacherForce(new SyntheticModel(256, 4, 8, 4, 512, 1024, 256, GgmlType.F32, 7).quantized(quant));
    }

    /** Qwen2: NeoX-style rope and Q/K/V biases, against llama.cpp's own qwen2 graph. */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "Q8_0"})
    void qwen2TopTokensAgree(GgmlType type) throws Exception {
        teacherForce(new SyntheticModel(256, 4, 8, 4, 512, 1024, 256, type, 11).as("qwen2"));
    }

    private void teacherForce(SyntheticModel synthetic) throws Exception {
        GgmlType type = synthetic.type();
        Path model = dir.resolve("synthetic-" + synthetic.architecture() + "-" + synthetic.mix().name() + ".gguf");
        synthetic.write(model);
        int[] tokens = new int[POSITIONS];
        SplittableRandom rnd = new SplittableRandom(3);
        tokens[0] = 1;
        for (int i = 1; i < POSITIONS; i++) {
            tokens[i] = 259 + rnd.nextInt(1024 - 259);
        }
        float[] javaLogits;
        float[] cppLogits;
        try (JavaEngine java = JavaEngine.openWhole(model, pool)) {
            javaLogits = ((Activations.Logits) java.forward("s", 0, new Activations.Tokens(tokens), true)).data();
        }
        try (LlamaCppEngine cpp = LlamaCppEngine.open(model, 0, -1,
                new ContextOptions(1, 256, ContextOptions.KvCacheType.F32))) {
            cppLogits = ((Activations.Logits) cpp.forward("s", 0, new Activations.Tokens(tokens), true)).data();
        }
        int agree = 0;
        double worstGap = 0;
        for (int p = 0; p < POSITIONS; p++) {
            double[] pj = softmax(javaLogits, p, 1024);
            double[] pc = softmax(cppLogits, p, 1024);
            int top = argmax(pj);
            if (top == argmax(pc)) {
                agree++;
            }
            worstGap = Math.max(worstGap, Math.abs(pj[top] - pc[top]));
        }
        System.out.printf(Locale.ROOT, "%s %s: top token agrees at %d/%d positions, largest probability gap %.4f%n",
                synthetic.architecture(), type, agree, POSITIONS, worstGap);
        assertTrue(agree >= MIN_AGREEMENT * POSITIONS, type + ": agreement " + agree + "/" + POSITIONS);
        assertTrue(worstGap <= MAX_PROBABILITY_GAP, type + ": probability gap " + worstGap);
    }

    @Test
    void bothEnginesGenerateTheSameStoryThroughTheSeam() throws Exception {
        Path model = TestModels.stories260K();
        var tokenizer = Tokenizers.fromGguf(model);
        int[] prompt = tokenizer.encode("Once upon a time", true, false);
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        try (JavaEngine java = JavaEngine.openWhole(model, pool);
             LlamaCppEngine cpp = LlamaCppEngine.open(model, 0, -1, ContextOptions.of(1, 512))) {
            new Generator(java, tokenizer, "s").generate(prompt, 200, new Sampler(SamplingParams.GREEDY),
                    (id, text) -> a.append(text), () -> false);
            new Generator(cpp, tokenizer, "s").generate(prompt, 200, new Sampler(SamplingParams.GREEDY),
                    (id, text) -> b.append(text), () -> false);
        }
        assertTrue(a.toString().startsWith(", there was a little girl named Lily."), a.toString());
        assertEquals(a.toString(), b.toString());
    }

    @Test
    void llamaCppServesInterleavedSessions() throws Exception {
        Path model = TestModels.stories260K();
        try (LlamaCppEngine cpp = LlamaCppEngine.open(model, 0, -1, ContextOptions.of(1, 128))) {
            float[] a1 = ((Activations.Logits) cpp.forward("a", 0, new Activations.Tokens(new int[] {1, 403}))).last();
            cpp.forward("b", 0, new Activations.Tokens(new int[] {1, 500, 501}));
            float[] a2 = ((Activations.Logits) cpp.forward("a", 2, new Activations.Tokens(new int[] {407}))).last();
            float[] fresh = ((Activations.Logits) cpp.forward("c", 0, new Activations.Tokens(new int[] {1, 403, 407}))).last();
            assertEquals(argmax(a2), argmax(fresh));
            assertEquals(3, cpp.sessionLength("a"));
            assertArrayEquals(a1, ((Activations.Logits) cpp.forward("a", 0, new Activations.Tokens(new int[] {1, 403}))).last(), 1e-3f);
        }
    }

    @Test
    void llamaCppRefusesAPartialShard() {
        var e = assertThrows(exo.InvalidInputException.class,
                () -> LlamaCppEngine.open(TestModels.stories260K(), 0, 3, ContextOptions.of(1, 64)));
        assertTrue(e.getMessage().contains("whole models only"), e.getMessage());
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    static int argmax(float[] v) {
        return Sampler.argmax(v);
    }

    static double[] softmax(float[] logits, int row, int vocab) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[row * vocab + i]);
        }
        double[] p = new double[vocab];
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            p[i] = Math.exp(logits[row * vocab + i] - max);
            sum += p[i];
        }
        for (int i = 0; i < vocab; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
