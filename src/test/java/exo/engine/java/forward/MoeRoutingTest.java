package exo.engine.java.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.engine.model.ExpertConfig;
import org.junit.jupiter.api.Test;

/** The Java engine's routing on hand-made scores, where each rule changes which experts are chosen. */
class MoeRoutingTest {
    /** Sigmoid scores p become these logits. */
    private static float[] logits(double... p) {
        float[] l = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            l[i] = (float) Math.log(p[i] / (1 - p[i]));
        }
        return l;
    }

    private static ExpertConfig sigmoid(int groups, int groupsUsed, boolean normalize, float scale) {
        return new ExpertConfig(8, 2, 16, 0, 0, 0, ExpertConfig.Gating.SIGMOID, normalize, scale, groups, groupsUsed, false);
    }

    @Test
    void groupLimitedSelectionPicksWithinTheGroupsWhoseTwoBestScoresSumHighest() {
        // Groups of two: sums 1.0, 1.55, 0.9, 0.4: groups 1 and 0 are kept; expert 4 (0.85) is not a candidate.
        float[] scores = logits(0.9, 0.1, 0.8, 0.75, 0.85, 0.05, 0.2, 0.2);
        int[] chosen = new int[2];
        float[] weights = new float[2];
        MoeFfn.route(sigmoid(4, 2, false, 0), null, scores.clone(), chosen, weights);
        assertArrayEquals(new int[] {0, 2}, chosen);
        MoeFfn.route(sigmoid(0, 0, false, 0), null, scores.clone(), chosen, weights);
        assertArrayEquals(new int[] {0, 4}, chosen, "without groups the best two overall");
        assertEquals(0.9f, weights[0], 1e-6);
    }

    @Test
    void theSelectionBiasChoosesButTheUnbiasedScoresWeigh() {
        float[] scores = logits(0.9, 0.1, 0.8, 0.75, 0.85, 0.05, 0.2, 0.2);
        float[] bias = {0, 0, 0, 0, 0, 0, 1, 0};
        int[] chosen = new int[2];
        float[] weights = new float[2];
        MoeFfn.route(sigmoid(0, 0, true, 2.5f), bias, scores, chosen, weights);
        assertArrayEquals(new int[] {6, 0}, chosen);
        // Normalised over the chosen unbiased scores (0.2 + 0.9), then scaled.
        assertEquals(0.2f / 1.1f * 2.5f, weights[0], 1e-6);
        assertEquals(0.9f / 1.1f * 2.5f, weights[1], 1e-6);
    }
}
