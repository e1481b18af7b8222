package exo.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The sampler against a plain reference of llama.cpp's order (every token boxed and sorted, as
 * exo did before it kept to primitive arrays): the same tokens for the same seeds, over random
 * logits with ties, every combination of top-k, top-p and min-p, and penalties.
 */
class SamplerReferenceTest {

    /** The reference: sort all, then top-k, top-p, min-p, temperature, draw. */
    private static int reference(SamplingParams params, SplittableRandom random, float[] logits, int[] history,
                                 int length) {
        float[] l = logits.clone();
        if (params.repeatPenalty() != 1f && params.repeatLastN() > 0 && length > 0) {
            boolean[] seen = new boolean[l.length];
            for (int i = Math.max(0, length - params.repeatLastN()); i < length; i++) {
                int t = history[i];
                if (!seen[t]) {
                    seen[t] = true;
                    l[t] = l[t] > 0 ? l[t] / params.repeatPenalty() : l[t] * params.repeatPenalty();
                }
            }
        }
        if ((params.presencePenalty() != 0f || params.frequencyPenalty() != 0f) && length > 0) {
            Map<Integer, Integer> counts = new java.util.HashMap<>();
            for (int i = Math.max(0, length - params.repeatLastN()); i < length; i++) {
                counts.merge(history[i], 1, Integer::sum);
            }
            counts.forEach((t, c) -> l[t] -= c * params.frequencyPenalty() + params.presencePenalty());
        }
        if (params.greedy()) {
            return Sampler.argmax(l);
        }
        Integer[] order = new Integer[l.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> l[a] != l[b] ? Float.compare(l[b], l[a]) : Integer.compare(a, b));
        int n = params.topK() > 0 ? Math.min(order.length, params.topK()) : order.length;
        double[] p = softmax(l, order, n, 1f);
        if (params.topP() < 1f) {
            double cumulative = 0;
            int keep = n;
            for (int i = 0; i < n; i++) {
                cumulative += p[i];
                if (cumulative >= params.topP()) {
                    keep = i + 1;
                    break;
                }
            }
            n = keep;
            p = softmax(l, order, n, 1f);
        }
        if (params.minP() > 0f) {
            double threshold = p[0] * params.minP();
            int keep = 1;
            while (keep < n && p[keep] >= threshold) {
                keep++;
            }
            n = keep;
        }
        double[] q = softmax(l, order, n, params.temperature());
        double r = random.nextDouble();
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            cumulative += q[i];
            if (r < cumulative) {
                return order[i];
            }
        }
        return order[n - 1];
    }

    private static double[] softmax(float[] l, Integer[] order, int n, float temperature) {
        double[] p = new double[n];
        double max = l[order[0]];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp((l[order[i]] - max) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        return p;
    }

    @Test
    void samplesAsTheReferenceForEverySettingWithTopK() {
        SplittableRandom gen = new SplittableRandom(7);
        int[] topKs = {1, 2, 40, 999};
        float[] topPs = {1f, 0.95f, 0.5f};
        float[] minPs = {0f, 0.05f, 0.3f};
        float[] temps = {0f, 0.3f, 0.8f, 1.5f};
        int steps = 0;
        for (int topK : topKs) {
            for (float topP : topPs) {
                for (float minP : minPs) {
                    for (float temp : temps) {
                        float penalty = steps % 3 == 0 ? 1.1f : 1f;
                        float presence = steps % 4 == 0 ? 0.5f : 0f;
                        SamplingParams params = new SamplingParams(temp, topK, topP, minP, penalty, 16, 1234 + steps,
                                presence, presence / 2);
                        Sampler sampler = new Sampler(params);
                        SplittableRandom ref = new SplittableRandom(params.seed());
                        int[] history = new int[64];
                        for (int step = 0; step < 20; step++) {
                            float[] logits = logits(gen, 1000);
                            int a = sampler.sample(logits, history, step);
                            int b = reference(params, ref, logits, history, step);
                            assertEquals(b, a, params + " step " + step);
                            history[step] = a;
                        }
                        steps++;
                    }
                }
            }
        }
    }

    /** Without top-k the normaliser covers every token in another order, so sums may differ in their last bits. */
    @Test
    void samplesAsTheReferenceWithoutTopKOnLogitsWithClearMargins() {
        SplittableRandom gen = new SplittableRandom(11);
        for (float minP : new float[] {0f, 0.05f}) {
            for (float topP : new float[] {1f, 0.9f}) {
                SamplingParams params = new SamplingParams(0.8f, 0, topP, minP, 1f, 64, 99);
                Sampler sampler = new Sampler(params);
                SplittableRandom ref = new SplittableRandom(params.seed());
                for (int step = 0; step < 200; step++) {
                    float[] logits = logits(gen, 512);
                    assertEquals(reference(params, ref, logits, new int[0], 0),
                            sampler.sample(logits, new int[0], 0), params + " step " + step);
                }
            }
        }
    }

    @Test
    void candidatesAreOrderedByLogitThenId() {
        float[] l = {0.5f, 2f, -1f, 2f, 0.5f, -0f, 0f, Float.NEGATIVE_INFINITY, -3.5f};
        Sampler all = new Sampler(new SamplingParams(1f, 0, 1f, 0f, 1f, 64, 1));
        assertArrayEquals(new int[] {1, 3, 0, 4, 6, 5, 2, 8, 7}, all.candidates(l));
        Sampler three = new Sampler(new SamplingParams(1f, 3, 1f, 0f, 1f, 64, 1));
        assertArrayEquals(new int[] {1, 3, 0}, three.candidates(l));
    }

    /** Random logits with deliberate ties (a coarse grid) and a long tail. */
    private static float[] logits(SplittableRandom gen, int vocab) {
        float[] l = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            l[i] = gen.nextInt(4) == 0 ? Math.round(gen.nextGaussian() * 4) / 2f : (float) (gen.nextGaussian() * 3);
        }
        return l;
    }
}
