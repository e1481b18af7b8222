package exo.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static final float[] LOGITS = {1f, 5f, 3f, 4.9f, -2f, 0f};

    private static SamplingParams params(float temp, int topK, float topP, float minP, float penalty, long seed) {
        return new SamplingParams(temp, topK, topP, minP, penalty, 64, seed);
    }

    @Test
    void greedyTakesTheArgmax() {
        assertEquals(1, new Sampler(SamplingParams.GREEDY).sample(LOGITS, new int[0], 0));
    }

    @Test
    void repetitionPenaltyCanChangeTheGreedyChoice() {
        Sampler s = new Sampler(params(0f, 0, 1f, 0f, 1.1f, 0));
        assertEquals(3, s.sample(LOGITS, new int[] {1}, 1), "5/1.1 < 4.9");
        assertEquals(1, s.sample(LOGITS, new int[] {1, 9}, 0), "only the history length counts");
    }

    @Test
    void topKOneIsGreedyAtAnyTemperature() {
        Sampler s = new Sampler(params(5f, 1, 1f, 0f, 1f, 42));
        for (int i = 0; i < 100; i++) {
            assertEquals(1, s.sample(LOGITS, new int[0], 0));
        }
    }

    @Test
    void topPAndMinPCutTheTail() {
        Set<Integer> seen = new HashSet<>();
        Sampler topP = new Sampler(params(1f, 0, 0.95f, 0f, 1f, 7));
        for (int i = 0; i < 2000; i++) {
            seen.add(topP.sample(LOGITS, new int[0], 0));
        }
        assertEquals(Set.of(1, 3, 2), seen, "p(1)+p(3) = 0.92 < 0.95, so token 2 is the last kept");
        seen.clear();
        Sampler minP = new Sampler(params(1f, 0, 1f, 0.5f, 1f, 7));
        for (int i = 0; i < 2000; i++) {
            seen.add(minP.sample(LOGITS, new int[0], 0));
        }
        assertEquals(Set.of(1, 3), seen);
    }

    @Test
    void aSeedMakesARunRepeatable() {
        float[] flat = new float[100];
        int[] a = new int[50];
        int[] b = new int[50];
        int[] c = new int[50];
        Sampler s1 = new Sampler(params(1f, 0, 1f, 0f, 1f, 123));
        Sampler s2 = new Sampler(params(1f, 0, 1f, 0f, 1f, 123));
        Sampler s3 = new Sampler(params(1f, 0, 1f, 0f, 1f, 124));
        for (int i = 0; i < 50; i++) {
            a[i] = s1.sample(flat, new int[0], 0);
            b[i] = s2.sample(flat, new int[0], 0);
            c[i] = s3.sample(flat, new int[0], 0);
        }
        assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
    }

    @Test
    void badParametersAreRefused() {
        assertThrows(exo.InvalidInputException.class, () -> params(-1f, 0, 1f, 0f, 1f, 0));
        assertThrows(exo.InvalidInputException.class, () -> params(1f, -1, 1f, 0f, 1f, 0));
        assertThrows(exo.InvalidInputException.class, () -> params(1f, 0, 0f, 0f, 1f, 0));
        assertThrows(exo.InvalidInputException.class, () -> params(1f, 0, 1f, 2f, 1f, 0));
        assertThrows(exo.InvalidInputException.class, () -> params(1f, 0, 1f, 0f, 0f, 0));
        assertTrue(SamplingParams.GREEDY.greedy());
    }
}
