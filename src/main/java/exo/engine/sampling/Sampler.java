package exo.engine.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits, in llama.cpp's default order: repetition penalty, top-k,
 * top-p, min-p, temperature, then a draw. At temperature 0 it is argmax (ties to the lowest
 * id), with the penalty still applied, so greedy runs are reproducible everywhere. One sampler
 * per session: it holds that session's random stream.
 *
 * <p>Every step works on primitive arrays and only the candidates that can survive are ordered:
 * top-k keeps the k best with a bounded heap (one comparison for most of a 152k vocabulary), and
 * without top-k, min-p bounds the candidates before anything is sorted. Candidates are ordered by
 * logit, highest first, ties by id, so draws are repeatable.
 */
public final class Sampler {
    /** Slack in logit units when min-p pre-selects candidates; the exact test runs on them later. */
    private static final double MIN_P_SLACK = 1e-3;

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
        float[] l = penalized(logits, history, historyLength);
        if (params.greedy()) {
            return argmax(l);
        }
        int[] order = candidates(l);
        int n = order.length;
        // Probabilities of the kept candidates before temperature, as llama.cpp's top-p/min-p see them:
        // normalised over the top-k (all tokens without top-k).
        boolean allTokens = params.topK() == 0 || params.topK() >= l.length;
        double[] p = softmax(l, order, n, 1f, allTokens ? sumExp(l, l[order[0]]) : Double.NaN);
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
            p = softmax(l, order, n, 1f, Double.NaN);
        }
        if (params.minP() > 0f) {
            double threshold = p[0] * params.minP();
            int keep = 1;
            while (keep < n && p[keep] >= threshold) {
                keep++;
            }
            n = keep;
        }
        double[] q = softmax(l, order, n, params.temperature(), Double.NaN);
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

    /**
     * The logits with the repetition, presence and frequency penalties of the last
     * {@code repeatLastN} tokens applied (a copy), or {@code logits} itself when none applies.
     * Each distinct token of the window is penalised once, by its count for the frequency penalty.
     */
    private float[] penalized(float[] logits, int[] history, int historyLength) {
        boolean repeat = params.repeatPenalty() != 1f;
        boolean counted = params.presencePenalty() != 0f || params.frequencyPenalty() != 0f;
        if (!(repeat || counted) || params.repeatLastN() <= 0 || historyLength <= 0) {
            return logits;
        }
        int from = Math.max(0, historyLength - params.repeatLastN());
        int[] window = Arrays.copyOfRange(history, from, historyLength);
        Arrays.sort(window);
        float[] l = logits.clone();
        if (repeat) {
            for (int i = 0; i < window.length; i++) {
                int t = window[i];
                if ((i == 0 || window[i - 1] != t) && t >= 0 && t < l.length) {
                    l[t] = l[t] > 0 ? l[t] / params.repeatPenalty() : l[t] * params.repeatPenalty();
                }
            }
        }
        if (counted) {
            for (int i = 0; i < window.length; ) {
                int t = window[i];
                int count = 0;
                while (i < window.length && window[i] == t) {
                    count++;
                    i++;
                }
                if (t >= 0 && t < l.length) {
                    l[t] -= count * params.frequencyPenalty() + params.presencePenalty();
                }
            }
        }
        return l;
    }

    /**
     * The token ids that may survive top-k, top-p and min-p, best first (ties by id): the top k
     * with top-k; else, with min-p, those within min-p of the best; else all of them.
     */
    int[] candidates(float[] l) {
        if (params.topK() > 0 && params.topK() < l.length) {
            return topK(l, params.topK());
        }
        if (params.minP() > 0f) {
            float best = l[argmax(l)];
            double floor = best + Math.log(params.minP()) - MIN_P_SLACK;
            int count = 0;
            for (float v : l) {
                if (v >= floor) {
                    count++;
                }
            }
            long[] keys = new long[count];
            int at = 0;
            for (int i = 0; i < l.length; i++) {
                if (l[i] >= floor) {
                    keys[at++] = key(l[i], i);
                }
            }
            return idsInOrder(keys);
        }
        long[] keys = new long[l.length];
        for (int i = 0; i < l.length; i++) {
            keys[i] = key(l[i], i);
        }
        return idsInOrder(keys);
    }

    /**
     * The {@code k} best ids, best first: a min-heap of the k best keys seen so far, whose root
     * (the worst kept) turns most of the vocabulary away with one comparison.
     */
    private static int[] topK(float[] l, int k) {
        long[] heap = new long[k];
        int size = 0;
        for (int i = 0; i < l.length; i++) {
            long key = key(l[i], i);
            if (size < k) {
                heap[size] = key;
                siftUp(heap, size++);
            } else if (key < heap[0]) {
                heap[0] = key;
                siftDown(heap, size);
            }
        }
        return idsInOrder(Arrays.copyOf(heap, size));
    }

    /**
     * A key whose ascending order is the candidates' order: the logit descending (the high word),
     * then the id ascending (the low word). Floats map to ints monotonically by flipping the
     * magnitude bits of negatives; the bitwise not turns ascending into descending.
     */
    private static long key(float logit, int id) {
        int bits = Float.floatToIntBits(logit);
        int sortable = bits >= 0 ? bits : bits ^ 0x7FFFFFFF;
        return ((long) ~sortable << 32) | (id & 0xFFFFFFFFL);
    }

    private static int[] idsInOrder(long[] keys) {
        Arrays.sort(keys);
        int[] ids = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            ids[i] = (int) keys[i];
        }
        return ids;
    }

    /** Restores the max-heap order (largest key, the worst candidate, at the root) upwards from {@code i}. */
    private static void siftUp(long[] heap, int i) {
        long x = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] >= x) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = x;
    }

    private static void siftDown(long[] heap, int size) {
        long x = heap[0];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] > heap[child]) {
                child++;
            }
            if (heap[child] <= x) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = x;
    }

    /** Sum of exp(l - max) over every token: the normaliser when no top-k bounds the candidates. */
    private static double sumExp(float[] l, double max) {
        double sum = 0;
        for (float v : l) {
            sum += Math.exp(v - max);
        }
        return sum;
    }

    /**
     * Softmax at {@code temperature} of the first {@code n} candidates, normalised over them, or
     * over {@code total} when it is a number (the sum of exp(l - max) over more tokens than these).
     */
    private static double[] softmax(float[] l, int[] order, int n, float temperature, double total) {
        double[] p = new double[n];
        double max = l[order[0]];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp((l[order[i]] - max) / temperature);
            sum += p[i];
        }
        double norm = Double.isNaN(total) ? sum : total;
        for (int i = 0; i < n; i++) {
            p[i] /= norm;
        }
        return p;
    }
}
