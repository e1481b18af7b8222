package exo.engine.ggml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import exo.engine.Activations;
import exo.engine.llamacpp.ContextOptions;
import exo.engine.llamacpp.LlamaCppEngine;
import exo.engine.llamacpp.Logits;
import exo.synthetic.TestArchitectures;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ggml slice engine against llama.cpp b4916's whole-model engine on the architectures that
 * build knows (Mixtral, Qwen2 MoE, DeepSeek V2/V3 in the attn_kv_b layout, Gemma 3): the logits
 * of a prompt's every position and of greedy steps after it are bit for bit llama.cpp's, whole
 * and split in two slices. One thread each, which changes no bit (every element of every op is
 * computed by one thread in one order) and keeps the test quick on a busy machine.
 */
class ArchitectureParityTest {
    private static final int STEPS = 4;

    static Stream<TestArchitectures.Case> llamaCppCases() {
        return Stream.of(TestArchitectures.mixtral("Q4_K_M"), TestArchitectures.mixtral("Q8_0"),
                TestArchitectures.qwen2moe("Q4_K_M"), TestArchitectures.deepseek3("Q4_K_M"),
                TestArchitectures.deepseek2("Q8_0"), TestArchitectures.gemma3("Q4_K_M"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("llamaCppCases")
    void logitsAreLlamaCppsBitForBitWholeAndSliced(TestArchitectures.Case c) throws Exception {
        Path model = c.file();
        int[] prompt = prompt(c.model().vocab(), 16);
        int layers = c.model().layers();
        try (LlamaCppEngine cpp = LlamaCppEngine.open(model, 0, -1, ContextOptions.of(1, 128));
             GgmlEngine whole = GgmlEngine.open(model, 0, -1, 1, 128);
             GgmlEngine head = GgmlEngine.open(model, 0, layers / 2, 1, 128);
             GgmlEngine tail = GgmlEngine.open(model, layers / 2, -1, 1, 128)) {
            float[] expected = logits(cpp.forward("s", 0, new Activations.Tokens(prompt), true));
            assertArrayEquals(expected, logits(whole.forward("s", 0, new Activations.Tokens(prompt), true)),
                    c + ": prompt logits, whole");
            assertArrayEquals(expected, logits(tail.forward("s", 0, head.forward("s", 0, new Activations.Tokens(prompt)),
                    true)), c + ": prompt logits, sliced");
            int position = prompt.length;
            int next = Logits.argmax(lastRow(expected, c.model().vocab()));
            for (int step = 0; step < STEPS; step++, position++) {
                Activations.Tokens in = new Activations.Tokens(new int[] {next});
                float[] want = logits(cpp.forward("s", position, in));
                assertArrayEquals(want, logits(whole.forward("s", position, in)), c + ": step " + step + ", whole");
                assertArrayEquals(want, logits(tail.forward("s", position, head.forward("s", position, in))),
                        c + ": step " + step + ", sliced");
                next = Logits.argmax(want);
            }
        }
    }

    static int[] prompt(int vocab, int n) {
        SplittableRandom rnd = new SplittableRandom(13);
        int[] p = new int[n];
        p[0] = 1;
        for (int i = 1; i < n; i++) {
            p[i] = 259 + rnd.nextInt(vocab - 259);
        }
        return p;
    }

    private static float[] logits(Activations a) {
        return ((Activations.Logits) a).data();
    }

    private static float[] lastRow(float[] logits, int vocab) {
        return java.util.Arrays.copyOfRange(logits, logits.length - vocab, logits.length);
    }

}
