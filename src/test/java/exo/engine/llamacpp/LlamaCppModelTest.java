package exo.engine.llamacpp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** llama.cpp on the real stories260K model (../shared/models, see its README). */
class LlamaCppModelTest {

    private static LlamaCppModel model;
    private static NativeStderr nativeStderr;

    static Path storiesModel() {
        String dir = System.getProperty("exo.shared.models");
        Assumptions.assumeTrue(dir != null, "skipped: system property exo.shared.models is not set (run through Maven)");
        Path file = Path.of(dir, "stories260K.gguf");
        Assumptions.assumeTrue(Files.isRegularFile(file), "skipped: test model not found at " + file);
        return file;
    }

    @BeforeAll
    static void open() {
        Path file = storiesModel();
        Path stderrLog = Path.of("target", "llamacpp-native-stderr.log");
        nativeStderr = NativeStderr.redirectTo(stderrLog);
        System.out.println("llama.cpp's stderr (debug log) goes to " + stderrLog.toAbsolutePath());
        long t0 = System.nanoTime();
        model = LlamaCppModel.open(file, 2, 512);
        System.out.printf("llama.cpp: stories260K loaded in %.0f ms%n", (System.nanoTime() - t0) / 1e6);
    }

    @AfterAll
    static void close() {
        try {
            if (model != null) {
                model.close();
            }
        } finally {
            if (nativeStderr != null) {
                nativeStderr.close();
            }
        }
    }

    @Test
    void tokenizesLikeSentencePieceWithBos() {
        assertEquals(1, model.bos());
        assertArrayEquals(new int[] {1, 403, 407, 261, 378}, model.tokenize("Once upon a time", true));
        assertArrayEquals(new int[] {403, 407, 261, 378}, model.tokenize("Once upon a time", false));
        assertArrayEquals(new int[] {1}, model.tokenize("", true));
        assertEquals(" Once upon a time", model.detokenize(new int[] {403, 407, 261, 378}));
    }

    @Test
    void greedyContinuationIsTheKnownStory() {
        long t0 = System.nanoTime();
        int[] ids = model.generateGreedy("Once upon a time", 200);
        double ms = (System.nanoTime() - t0) / 1e6;
        System.out.printf("llama.cpp: 200 greedy tokens in %.0f ms%n", ms);
        System.out.println("llama.cpp greedy ids after \"Once upon a time\": " + Arrays.toString(ids));
        assertEquals(200, ids.length, "no end-of-story token is expected in the first 200");
        String text = model.detokenize(ids);
        System.out.println("llama.cpp greedy text: " + text.replace("\n", "\\n"));
        assertTrue(text.startsWith(", there was a little girl named Lily"), text);
        // The text is the concatenation of the pieces, so the ids are the ones that made it.
        assertEquals(432, ids[0], "',' is the word-piece 432, not the byte token 47");
    }

    @Test
    void greedyIsDeterministic() {
        int[] prompt = model.tokenize("Once upon a time", true);
        assertArrayEquals(model.generateGreedy(prompt, 200), model.generateGreedy(prompt, 200));
    }

    @Test
    void bosOnlyPromptGenerates() {
        int[] ids = model.generateGreedy(new int[] {model.bos()}, 200);
        System.out.println("llama.cpp greedy ids after BOS only: " + Arrays.toString(ids));
        assertTrue(ids.length >= 1);
        assertArrayEquals(ids, model.generateGreedy("", 200), "\"\" with BOS is the BOS-only prompt");
    }

    @Test
    void teacherForcingFollowsGreedy() {
        int[] prompt = model.tokenize("Once upon a time", true);
        int[] greedy = model.generateGreedy(prompt, 32 - prompt.length + 1);
        int[] sequence = new int[32];
        System.arraycopy(prompt, 0, sequence, 0, prompt.length);
        System.arraycopy(greedy, 0, sequence, prompt.length, 32 - prompt.length);
        long t0 = System.nanoTime();
        int[] top = model.teacherForcedArgmax(sequence);
        System.out.printf("llama.cpp: teacher forcing over 32 positions in %.0f ms%n", (System.nanoTime() - t0) / 1e6);
        assertEquals(32, top.length);
        // Feeding the greedy continuation back, each position's top token is the next greedy one.
        for (int i = prompt.length - 1; i < 32; i++) {
            assertEquals(greedy[i - prompt.length + 1], top[i], "position " + i);
        }
    }
}
