package exo.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.engine.ggml.GgmlEngine;
import exo.engine.java.JavaEngine;
import exo.engine.java.tensor.WorkerPool;
import exo.engine.llamacpp.Logits;
import exo.synthetic.TestArchitectures;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java engine against the ggml engine on every architecture (each in its own shape and mix):
 * fed the same tokens (a prompt, then ggml's greedy choices), the two choose the same next token
 * almost everywhere. They do not compute the same bits (ggml multiplies quantized weights with
 * activations quantized to 8 bits, Java with f32 ones, and a near-tie between two experts can go
 * either way), so agreement, not equality, is the bar; a wrong op shows as none at all. And
 * latent attention's two GGUF layouts, the same weights, give the same tokens on both engines.
 */
class ArchitecturesTest {
    private static final int PROMPT = 16;
    private static final int STEPS = 6;
    private static final double MIN_AGREEMENT = 0.85;

    private static WorkerPool pool;

    @BeforeAll
    static void start() {
        pool = new WorkerPool(1);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    static Stream<TestArchitectures.Case> cases() {
        return Stream.concat(TestArchitectures.all().stream(), Stream.of(TestArchitectures.deepseek3Groups("Q8_0"),
                TestArchitectures.deepseek2Lite("Q8_0")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void javaChoosesGgmlsTokens(TestArchitectures.Case c) throws Exception {
        Path model = c.file();
        try (GgmlEngine ggml = GgmlEngine.open(model, 0, -1, 1, 128);
             JavaEngine java = JavaEngine.open(model, 0, -1, pool, 128)) {
            double agreement = teacherForcedAgreement(ggml, java, c.model().vocab());
            System.out.printf(Locale.ROOT, "%s: Java's top token is ggml's at %.0f%% of positions%n", c, 100 * agreement);
            assertTrue(agreement >= MIN_AGREEMENT, c + ": agreement " + agreement);
        }
    }

    /** Both engines split in two slices give their own whole model's bits, for every architecture. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void slicesEqualTheWholeModel(TestArchitectures.Case c) throws Exception {
        Path model = c.file();
        int layers = c.model().layers();
        int[] prompt = tokens(c.model().vocab(), 8);
        try (GgmlEngine whole = GgmlEngine.open(model, 0, -1, 1, 64);
             GgmlEngine head = GgmlEngine.open(model, 0, 1, 1, 64);
             GgmlEngine tail = GgmlEngine.open(model, 1, -1, 1, 64);
             JavaEngine javaWhole = JavaEngine.open(model, 0, -1, pool, 64);
             JavaEngine javaHead = JavaEngine.open(model, 0, layers - 1, pool, 64);
             JavaEngine javaTail = JavaEngine.open(model, layers - 1, -1, pool, 64)) {
            Activations.Tokens in = new Activations.Tokens(prompt);
            assertArrayEquals(logits(whole, prompt), ((Activations.Logits) tail.forward("s", 0,
                    head.forward("s", 0, in), true)).data(), c + ": ggml");
            assertArrayEquals(logits(javaWhole, prompt), ((Activations.Logits) javaTail.forward("s", 0,
                    javaHead.forward("s", 0, in), true)).data(), c + ": Java");
        }
    }

    /** DeepSeek's absorbed layout (attn_k_b, attn_v_b; a cached latent) computes what the expanded one (attn_kv_b) does. */
    @Test
    void latentAttentionsTwoLayoutsAgree() throws Exception {
        Path expanded = TestArchitectures.latentTwin(false).file();
        Path absorbed = TestArchitectures.latentTwin(true).file();
        int vocab = TestArchitectures.latentTwin(false).model().vocab();
        int[] tokens = tokens(vocab, PROMPT + STEPS);
        try (GgmlEngine a = GgmlEngine.open(expanded, 0, -1, 1, 128);
             GgmlEngine b = GgmlEngine.open(absorbed, 0, -1, 1, 128);
             JavaEngine c = JavaEngine.open(absorbed, 0, -1, pool, 128)) {
            float[] x = logits(a, tokens);
            float[] y = logits(b, tokens);
            float[] z = logits(c, tokens);
            for (int t = 0; t < tokens.length; t++) {
                int top = Logits.argmax(row(x, t, vocab));
                assertEquals(top, Logits.argmax(row(y, t, vocab)), "ggml, position " + t);
                assertEquals(top, Logits.argmax(row(z, t, vocab)), "Java, position " + t);
            }
            assertTrue(worst(x, y) < 0.05, "ggml's layouts differ by " + worst(x, y));
        }
    }

    /** Positions where the two engines' top tokens agree, fed a prompt then the first engine's greedy choices. */
    static double teacherForcedAgreement(InferenceEngine first, InferenceEngine second, int vocab) {
        int[] prompt = tokens(vocab, PROMPT);
        float[] x = ((Activations.Logits) first.forward("s", 0, new Activations.Tokens(prompt), true)).data();
        float[] y = ((Activations.Logits) second.forward("s", 0, new Activations.Tokens(prompt), true)).data();
        int agree = 0;
        for (int t = 0; t < PROMPT; t++) {
            agree += Logits.argmax(row(x, t, vocab)) == Logits.argmax(row(y, t, vocab)) ? 1 : 0;
        }
        int next = Logits.argmax(row(x, PROMPT - 1, vocab));
        for (int step = 0; step < STEPS; step++) {
            Activations.Tokens in = new Activations.Tokens(new int[] {next});
            float[] a = ((Activations.Logits) first.forward("s", PROMPT + step, in)).last();
            float[] b = ((Activations.Logits) second.forward("s", PROMPT + step, in)).last();
            agree += Logits.argmax(a) == Logits.argmax(b) ? 1 : 0;
            next = Logits.argmax(a);
        }
        return agree / (double) (PROMPT + STEPS);
    }

    private static float[] logits(InferenceEngine e, int[] tokens) {
        return ((Activations.Logits) e.forward("s", 0, new Activations.Tokens(tokens), true)).data();
    }

    private static float[] row(float[] logits, int t, int vocab) {
        return Arrays.copyOfRange(logits, t * vocab, (t + 1) * vocab);
    }

    private static double worst(float[] a, float[] b) {
        double w = 0;
        for (int i = 0; i < a.length; i++) {
            w = Math.max(w, Math.abs(a[i] - b[i]));
        }
        return w;
    }

    static int[] tokens(int vocab, int n) {
        SplittableRandom rnd = new SplittableRandom(29);
        int[] p = new int[n];
        p[0] = 1;
        for (int i = 1; i < n; i++) {
            p[i] = 259 + rnd.nextInt(vocab - 259);
        }
        return p;
    }
}
