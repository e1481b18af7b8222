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
import java.util.Arrays;
import org.junit.jupiter.api.Test;

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
            System.err.println("max logit difference " + c.maxDiff);
            assertArrayEquals(c.expected, c.actual);
            assertTrue(c.maxDiff < 1e-3, "logits differ by " + c.maxDiff);
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
