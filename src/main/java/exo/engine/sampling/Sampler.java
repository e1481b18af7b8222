package exo.engine.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits, in llama.cpp's default order: repetition penalty, top-k,
 * top-p, min-p, temperature, then a draw. At temperature 0 it is argmax (ties to the lowest
 * id), with the penalty still applied, so greedy runs are reproducible everywhere. One sampler
 * per session: it holds that session's random stream.
 */
public final class Sampler {
    private final SamplingParams params;
    private final SplittableRandom random;

    public Sampler(SamplingParams params) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
    }

    public SamplingParams params() {
        return params;
    }

    /**
     * @param logits  the tail's logits for the last position; not modified
     * @param history the session's tokens so far (prompt and generated), for the penalty
     */
    public int sample(float[] logits, int[] history, int historyLength) {
        float[] l = logits;
        if (params.repeatPenalty() != 1f && params.repeatLastN() > 0 && historyLength > 0) {
            l = logits.clone();
            boolean[] seen = new boolean[l.length];
            for (int i = Math.max(0, historyLength - params.repeatLastN()); i < historyLength; i++) {
                int t = history[i];
                if (t >= 0 && t < l.length && !seen[t]) {
                    seen[t] = true;
                    l[t] = l[t] > 0 ? l[t] / params.repeatPenalty() : l[t] * params.repeatPenalty();
                }
            }
        }
        if ((params.presencePenalty() != 0f || params.frequencyPenalty() != 0f) && params.repeatLastN() > 0
                && historyLength > 0) {
            if (l == logits) {
                l = logits.clone();
            }
            java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
            for (int i = Math.max(0, historyLength - params.repeatLastN()); i < historyLength; i++) {
                counts.merge(history[i], 1, Integer::sum);
            }
            for (var e : counts.entrySet()) {
                int t = e.getKey();
                if (t >= 0 && t < l.length) {
                    l[t] -= e.getValue() * params.frequencyPenalty() + params.presencePenalty();
                }
            }
        }
        if (params.greedy()) {
            return argmax(l);
        }
        Integer[] order = candidates(l);
        int n = order.length;
        if (params.topK() > 0) {
            n = Math.min(n, params.topK());
        }
        // Probabilities of the kept candidates before temperature, as llama.cpp's top-p/min-p see them.
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

    public static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Token ids sorted by logit, highest first (ties by id), so draws are repeatable. */
    private static Integer[] candidates(float[] l) {
        Integer[] ids = new Integer[l.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        Arrays.sort(ids, (a, b) -> l[a] != l[b] ? Float.compare(l[b], l[a]) : Integer.compare(a, b));
        return ids;
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
}
