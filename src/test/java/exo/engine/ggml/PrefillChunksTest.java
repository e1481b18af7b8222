package exo.engine.ggml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.TestModels;
import exo.engine.Activations;
import exo.gguf.GgmlType;
import exo.synthetic.SyntheticModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A prompt cut into chunks of two or more positions gives the logits of the prompt run whole, bit
 * for bit, on the CPU, for every weight type: what lets a pipeline ring send a prompt in
 * micro-batches that overlap (exo.node.ring.PrefillSplit). A chunk of one position is another
 * matter: ggml's one-column products (of F32 and F16 weights, and of the F16 KV cache in attention)
 * take another kernel than wider ones and sum in another order (see ReplayBatchingTest), so the
 * ring never cuts one position off.
 */
class PrefillChunksTest {
    @TempDir
    static Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"stories260K", "Q4_K_M", "Q8_0", "Q4_0", "Q6_K", "F16"})
    void aPromptInChunksHasTheBitsOfThePromptWhole(String kind) throws Exception {
        Path model = kind.equals("stories260K") ? TestModels.stories260K() : synth(kind);
        int vocab = kind.equals("stories260K") ? 512 : 1024;
        int[] prompt = new int[96];
        SplittableRandom rnd = new SplittableRandom(5);
        prompt[0] = 1;
        for (int i = 1; i < prompt.length; i++) {
            prompt[i] = 259 + rnd.nextInt(vocab - 259);
        }
        for (int threads : new int[] {1, 2}) {
            try (GgmlEngine e = GgmlEngine.open(model, 0, -1, threads, 256)) {
                float[] whole = ((Activations.Logits) e.forward("w", 0, new Activations.Tokens(prompt), true)).data();
                for (int[] cuts : new int[][] {{32, 32, 32}, {7, 25, 64}, {16, 16, 16, 16, 16, 16}, {2, 94}, {94, 2}}) {
                    float[] parts = new float[whole.length];
                    int at = 0;
                    String s = "c" + Arrays.toString(cuts);
                    for (int c : cuts) {
                        float[] l = ((Activations.Logits) e.forward(s, at, new Activations.Tokens(
                                Arrays.copyOfRange(prompt, at, at + c)), true)).data();
                        System.arraycopy(l, 0, parts, at * vocab, l.length);
                        at += c;
                    }
                    int differ = 0;
                    for (int i = 0; i < whole.length; i++) {
                        if (Float.floatToRawIntBits(whole[i]) != Float.floatToRawIntBits(parts[i])) {
                            differ++;
                        }
                    }
                    assertEquals(0, differ, kind + ", " + threads + " threads, cut " + Arrays.toString(cuts) + ": "
                            + differ + " of " + whole.length + " logits differ");
                }
            }
        }
    }

    private static Path synth(String kind) throws Exception {
        SyntheticModel synthetic = new SyntheticModel(256, 4, 8, 4, 512, 1024, 512, GgmlType.F32, 5).quantized(kind);
        Path path = dir.resolve(kind + ".gguf");
        if (!java.nio.file.Files.exists(path)) {
            synthetic.write(path);
        }
        return path;
    }
}
