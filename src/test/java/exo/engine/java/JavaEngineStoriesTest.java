package exo.engine.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import exo.TestModels;
import exo.engine.Activations;
import exo.engine.java.tensor.WorkerPool;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JavaEngineStoriesTest {
    private static WorkerPool pool;

    @BeforeAll
    static void startPool() {
        pool = new WorkerPool(2);
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    static int[] greedy(JavaEngine e, String session, int[] prompt, int n) {
        int[] out = new int[n];
        Activations.Logits logits = (Activations.Logits) e.forward(session, 0, new Activations.Tokens(prompt));
        int pos = prompt.length;
        for (int i = 0; i < n; i++) {
            out[i] = argmax(logits.last());
            logits = (Activations.Logits) e.forward(session, pos++, new Activations.Tokens(new int[] {out[i]}));
        }
        return out;
    }

    @Test
    void greedyMatchesLlamaCppFor200Tokens() throws Exception {
        Path model = TestModels.stories260K();
        try (JavaEngine e = JavaEngine.openWhole(model, pool)) {
            assertEquals(5, e.config().layers());
            int[] got = greedy(e, "s", Stories260KReference.ONCE_UPON_A_TIME, 200);
            assertArrayEquals(Stories260KReference.ONCE_UPON_A_TIME_GREEDY_200, got, Arrays.toString(got));
        }
    }

    @Test
    void bosOnlyPromptWritesTheStoryItself() throws Exception {
        try (JavaEngine e = JavaEngine.openWhole(TestModels.stories260K(), pool)) {
            int[] got = greedy(e, "s", new int[] {1}, 200);
            int[] expected = new int[200];
            System.arraycopy(new int[] {403, 407, 261, 378}, 0, expected, 0, 4);
            System.arraycopy(Stories260KReference.ONCE_UPON_A_TIME_GREEDY_200, 0, expected, 4, 196);
            assertArrayEquals(expected, got);
        }
    }

    @Test
    void prefillAsABatchEqualsTokenByToken() throws Exception {
        try (JavaEngine e = JavaEngine.openWhole(TestModels.stories260K(), pool)) {
            int[] prompt = Arrays.copyOf(Stories260KReference.ONCE_UPON_A_TIME_GREEDY_200, 150);
            prompt[0] = 1;
            float[] batched = ((Activations.Logits) e.forward("a", 0, new Activations.Tokens(prompt), true)).data();
            for (int i = 0; i < prompt.length; i++) {
                float[] one = ((Activations.Logits) e.forward("b", i, new Activations.Tokens(new int[] {prompt[i]}))).last();
                assertArrayEquals(one, Arrays.copyOfRange(batched, i * 512, (i + 1) * 512), "position " + i);
            }
        }
    }

    @Test
    void sessionsRewindAndRefuseGaps() throws Exception {
        try (JavaEngine e = JavaEngine.openWhole(TestModels.stories260K(), pool)) {
            float[] first = ((Activations.Logits) e.forward("s", 0, new Activations.Tokens(new int[] {1, 403}))).last();
            e.forward("s", 2, new Activations.Tokens(new int[] {407, 261}));
            assertEquals(4, e.sessionLength("s"));
            float[] again = ((Activations.Logits) e.forward("s", 0, new Activations.Tokens(new int[] {1, 403}))).last();
            assertArrayEquals(first, again);
            assertThrows(IllegalStateException.class, () -> e.forward("s", 5, new Activations.Tokens(new int[] {1})));
            assertThrows(IllegalArgumentException.class, () -> e.forward("s", 0, new Activations.Tokens(new int[] {512})));
            e.release("s");
            assertEquals(0, e.sessionLength("s"));
        }
    }
}
