package exo.engine.llamacpp;

import exo.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** llama.cpp through FFM on the real stories260K model (../shared/models, see its README). */
class LlamaCppNativeTest {

    /** "Once upon a time" with BOS, as llama.cpp's SentencePiece tokenizer gives it. */
    private static final int[] PROMPT = {1, 403, 407, 261, 378};
    /** The greedy continuation measured through the de.kherud bindings (exo.engine.llamacpp.LlamaCppModel). */
    private static final int[] GREEDY_HEAD = {432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396,
            267, 337, 410, 408, 419, 292};

    private static LlamaCppNative model;

    /**
     * One thread: with as many threads as this 2-core machine has cores, llama.cpp's OpenMP
     * workers spin-wait at every graph node and stall for whole scheduler slices whenever a JVM
     * thread (JIT, GC) wants a core, which made single tests take seconds instead of milliseconds.
     */
    @BeforeAll
    static void open() {
        model = LlamaCppNative.open(TestModels.stories260K(), 1, 512);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void describesTheModel() {
        assertEquals(512, model.vocabSize());
        assertEquals(1, model.bos());
        assertEquals(2, model.eos());
        assertTrue(model.addsBos());
        assertTrue(model.isEndOfGeneration(2));
        assertFalse(model.isEndOfGeneration(432));
        assertEquals(64, model.embeddingLength());
        assertEquals(5, model.layerCount());
        assertEquals(512, model.contextSize());
    }

    @Test
    void tokenizesLikeSentencePiece() {
        assertArrayEquals(PROMPT, LlamaCppOracle.tokenize(model, "Once upon a time", true, false));
        assertArrayEquals(Arrays.copyOfRange(PROMPT, 1, 5), LlamaCppOracle.tokenize(model, "Once upon a time", false, false));
        assertArrayEquals(new int[] {1}, LlamaCppOracle.tokenize(model, "", true, false));
        assertArrayEquals(new int[0], LlamaCppOracle.tokenize(model, "", false, false));
        // parse_special: "<s>" is the BOS token rather than the characters '<', 's', '>'.
        assertEquals(1, LlamaCppOracle.tokenize(model, "<s>", false, true)[0]);
        assertTrue(LlamaCppOracle.tokenize(model, "<s>", false, false).length > 1);
        assertEquals(" Once upon a time", LlamaCppOracle.detokenize(model, Arrays.copyOfRange(PROMPT, 1, 5), false));
        assertEquals("<s>", LlamaCppOracle.piece(model, 1));
        assertEquals(",", LlamaCppOracle.piece(model, 432));
    }

    @Test
    void greedyContinuationIsTheKnownStory() {
        long t0 = System.nanoTime();
        int[] ids = LlamaCppOracle.generateGreedy(model, PROMPT, 200);
        System.out.printf("llama.cpp (FFM): 200 greedy tokens in %.0f ms%n", (System.nanoTime() - t0) / 1e6);
        assertEquals(200, ids.length, "no end-of-story token is expected in the first 200");
        assertArrayEquals(GREEDY_HEAD, Arrays.copyOf(ids, GREEDY_HEAD.length));
        String text = LlamaCppOracle.detokenize(model, ids, false);
        System.out.println("llama.cpp (FFM) greedy text: " + text.replace("\n", "\\n"));
        assertTrue(text.startsWith(", there was a little girl named Lily. She loved to play outside in the park."), text);
    }

    @Test
    void greedyIsDeterministic() {
        int[] first = LlamaCppOracle.generateGreedy(model, PROMPT, 250);
        assertEquals(250, first.length);
        assertArrayEquals(first, LlamaCppOracle.generateGreedy(model, PROMPT, 250));
    }

    @Test
    void bosOnlyPromptStartsTheSameStory() {
        int[] ids = LlamaCppOracle.generateGreedy(model, new int[] {1}, 6);
        assertArrayEquals(new int[] {403, 407, 261, 378, 432, 383}, ids);
    }

    @Test
    void wholeSequenceLogitsAgreeWithIncrementalOnes() {
        double difference = batchAgainstOneByOne(model);
        System.out.printf("llama.cpp (FFM, F16 KV cache): batch vs one by one, max |logit difference| %.3g%n",
                difference);
        // The F16 KV cache rounds differently in a batch than one token at a time.
        assertTrue(difference < 0.05, "batched and one-by-one logits differ by " + difference);
    }

    @Test
    void withAnF32CacheBatchAndOneByOneAgreeToRounding() {
        var options = new ContextOptions(1, 128, ContextOptions.KvCacheType.F32);
        try (LlamaCppNative f32 = LlamaCppNative.open(TestModels.stories260K(), options)) {
            double difference = batchAgainstOneByOne(f32);
            System.out.printf("llama.cpp (FFM, F32 KV cache): batch vs one by one, max |logit difference| %.3g%n",
                    difference);
            assertTrue(difference < 1e-4, "batched and one-by-one logits differ by " + difference);
            assertArrayEquals(GREEDY_HEAD, Arrays.copyOf(LlamaCppOracle.generateGreedy(f32, PROMPT, 20), 20));
        }
    }

    /**
     * Logits of the prompt plus its greedy continuation (64 tokens), once in one batch and once one
     * token at a time: same arg-max everywhere, and the arg-max is the greedy token (teacher
     * forcing). Returns the largest absolute difference of any logit.
     */
    private static double batchAgainstOneByOne(LlamaCppNative m) {
        int[] greedy = LlamaCppOracle.generateGreedy(m, PROMPT, 59);
        int[] sequence = new int[PROMPT.length + greedy.length];
        System.arraycopy(PROMPT, 0, sequence, 0, PROMPT.length);
        System.arraycopy(greedy, 0, sequence, PROMPT.length, greedy.length);

        float[][] whole = m.logits(sequence);
        assertEquals(sequence.length, whole.length);
        assertEquals(sequence.length, m.position());
        for (int i = PROMPT.length - 1; i < sequence.length - 1; i++) {
            assertEquals(sequence[i + 1], Logits.argmax(whole[i]), "teacher-forced arg-max at position " + i);
        }

        m.reset();
        assertEquals(0, m.position());
        double maxDifference = 0;
        for (int i = 0; i < sequence.length; i++) {
            float[] step = m.next(sequence[i]);
            assertEquals(m.vocabSize(), step.length);
            assertEquals(Logits.argmax(step), Logits.argmax(whole[i]), "arg-max at position " + i);
            for (int v = 0; v < step.length; v++) {
                maxDifference = Math.max(maxDifference, Math.abs(step[v] - whole[i][v]));
            }
        }
        return maxDifference;
    }

    @Test
    void appendContinuesTheCache() {
        float[] afterPrompt = model.logits(PROMPT)[PROMPT.length - 1];
        model.reset();
        model.append(Arrays.copyOf(PROMPT, 2));
        assertArrayEquals(afterPrompt, model.append(Arrays.copyOfRange(PROMPT, 2, 5)), 1e-4f);
        assertEquals(5, model.position());
    }

    @Test
    void probabilitiesSumToOne() {
        float[][] logits = model.logits(PROMPT);
        for (float[] position : logits) {
            double[] p = Logits.softmax(position);
            assertEquals(1.0, Arrays.stream(p).sum(), 1e-9);
            assertTrue(Arrays.stream(p).allMatch(x -> x >= 0 && x <= 1));
        }
        double[] afterPrompt = Logits.softmax(logits[PROMPT.length - 1]);
        System.out.printf("llama.cpp (FFM): p(',' | Once upon a time) = %.4f%n", afterPrompt[432]);
        assertEquals(432, Logits.argmax(logits[PROMPT.length - 1]));
    }

    @Test
    void refusesWhatWouldCrashLlamaCpp() {
        assertThrows(IllegalArgumentException.class, () -> model.logits(new int[] {1, 512}));
        assertThrows(IllegalArgumentException.class, () -> model.logits(new int[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> model.logits(new int[0]));
        assertThrows(IllegalArgumentException.class, () -> LlamaCppOracle.piece(model, 100_000));
        assertThrows(IllegalArgumentException.class, () -> model.logits(new int[513]));
        assertThrows(IllegalArgumentException.class, () -> LlamaCppOracle.generateGreedy(model, PROMPT, 509));
        model.reset();
        model.append(new int[500]);
        assertThrows(IllegalArgumentException.class, () -> model.append(new int[13]));
        assertEquals(500, model.position(), "a refused append leaves the cache as it was");
    }
}
