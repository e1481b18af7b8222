package exo.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import exo.TestModels;
import exo.engine.ggml.GgmlEngine;
import exo.engine.java.JavaEngine;
import exo.engine.java.tensor.WorkerPool;
import exo.engine.llamacpp.Logits;
import exo.gguf.GgmlType;
import exo.synthetic.SyntheticModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What lets a ring replay a session in batches after a node loss (ResilientRing): positions an
 * engine computes as one batch must leave the cache, and give the logits, that the same positions
 * computed one step at a time (as an answer's tokens first ran) gave, bit for bit. The Java engine
 * does for every weight type and batch size; ggml's CPU kernels do not, which is why a ggml ring
 * replays step by step.
 */
class ReplayBatchingTest {
    private static final int[] BATCHES = {1, 2, 7, 31, 32, 33, 64, 100};

    @TempDir
    static Path dir;

    /** Logits of the step after {@code n} answered tokens, and of the last of them, two ways. */
    private record TwoWays(float[] lastStepped, float[] lastBatched, float[] nextStepped, float[] nextBatched) {
        boolean same() {
            return Arrays.equals(lastStepped, lastBatched) && Arrays.equals(nextStepped, nextBatched);
        }
    }

    private static TwoWays run(InferenceEngine stepped, InferenceEngine batched, int vocab, int n, String session) {
        int[] prompt = new int[37];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = (i * 31 + 7) % vocab;
        }
        float[] logits = last(stepped.forward(session, 0, new Activations.Tokens(prompt), false));
        batched.forward(session, 0, new Activations.Tokens(prompt), false);
        int[] answer = new int[n];
        for (int i = 0; i < n; i++) {
            answer[i] = Logits.argmax(logits);
            logits = last(stepped.forward(session, prompt.length + i, new Activations.Tokens(new int[] {answer[i]}), false));
        }
        float[] lastBatched = last(batched.forward(session, prompt.length, new Activations.Tokens(answer), false));
        int next = Logits.argmax(logits);
        int at = prompt.length + n;
        return new TwoWays(logits, lastBatched,
                last(stepped.forward(session, at, new Activations.Tokens(new int[] {next}), false)),
                last(batched.forward(session, at, new Activations.Tokens(new int[] {next}), false)));
    }

    private static float[] last(Activations a) {
        return ((Activations.Logits) a).last();
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K", "Q4_K_M", "Q6_K", "Q8_0", "Q4_0", "F16"})
    void theJavaEngineBatchesWithTheBitsOfSteps(String kind) throws Exception {
        Path model = model(kind);
        int vocab = kind.equals("stories260K") ? 512 : 1024;
        try (WorkerPool pool = new WorkerPool(2);
             JavaEngine stepped = JavaEngine.open(model, 0, -1, pool, 512);
             JavaEngine batched = JavaEngine.open(model, 0, -1, pool, 512)) {
            for (int n : BATCHES) {
                TwoWays r = run(stepped, batched, vocab, n, "s" + n);
                assertArrayEquals(r.lastStepped(), r.lastBatched(), kind + ": the batch's last position, n " + n);
                assertArrayEquals(r.nextStepped(), r.nextBatched(), kind + ": the step after the batch, n " + n);
            }
        }
    }

    /** 8-bit weights take tiled matrix kernels for a batch: the cache a batch leaves differs. */
    @Test
    void ggmlBatchesChangeTheBitsOfSteps() throws Exception {
        Path model = model("Q8_0");
        try (GgmlEngine stepped = GgmlEngine.open(model, 0, -1, 2, 512);
             GgmlEngine batched = GgmlEngine.open(model, 0, -1, 2, 512)) {
            boolean allSame = true;
            for (int n : new int[] {32, 64}) {
                allSame &= run(stepped, batched, 1024, n, "s" + n).same();
            }
            assertFalse(allSame, "ggml now batches with the bits of steps: its rings may replay in batches too");
        }
    }

    private static Path model(String kind) throws Exception {
        if (kind.equals("stories260K")) {
            return TestModels.stories260K();
        }
        Path path = dir.resolve(kind + ".gguf");
        if (!Files.exists(path)) {
            new SyntheticModel(256, 4, 8, 4, 512, 1024, 512, GgmlType.F32, 5).quantized(kind).write(path);
        }
        return path;
    }
}
