package exo.engine.sampling;

import exo.InvalidInputException;
import exo.grammar.TokenConstraint;
import java.util.Arrays;
import java.util.Map;
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
    /** Added to the logits before anything else, as OpenAI's logit_bias (token id to bias); empty for none. */
    private final Map<Integer, Float> bias;
    /** Which tokens may come next (a grammar, a JSON schema, a tool call's syntax); null for any. */
    private final TokenConstraint constraint;
    /** How many most likely alternatives {@link #lastChoice()} reports; -1 when log-probabilities are not wanted. */
    private final int topLogprobs;
    private Choice last;

    /** A sampled token, its log-probability, and the most likely alternatives with theirs. */
    public record Choice(int token, float logprob, int[] topTokens, float[] topLogprobs) {
    }

    public Sampler(SamplingParams params) {
        this(params, new SplittableRandom(params.seed()), Map.of(), null, -1);
    }

    private Sampler(SamplingParams params, SplittableRandom random, Map<Integer, Float> bias,
                    TokenConstraint constraint, int topLogprobs) {
        this.params = params;
        this.random = random;
        this.bias = Map.copyOf(bias);
        this.constraint = constraint;
        this.topLogprobs = topLogprobs;
    }

    /** This sampler with {@code bias} added to the logits of its tokens (-100 bans one, 100 all but forces it). */
    public Sampler withLogitBias(Map<Integer, Float> bias) {
        return new Sampler(params, random, bias, constraint, topLogprobs);
    }

    /** This sampler keeping only tokens {@code constraint} allows; the generator ends when it must. */
    public Sampler withConstraint(TokenConstraint constraint) {
        return new Sampler(params, random, bias, constraint, topLogprobs);
    }

    /**
     * This sampler reporting each sampled token's log-probability and the {@code top} most likely
     * tokens' (0 for none but the sampled one's), under the distribution it sampled from before
     * temperature: the logits with bias and penalties, as OpenAI's logprobs report them.
     */
    public Sampler withLogprobs(int top) {
        if (top < 0 || top > 20) {
            throw new InvalidInputException("top_logprobs", "top_logprobs must be between 0 and 20, not " + top);
        }
        return new Sampler(params, random, bias, constraint, top);
    }

    public SamplingParams params() {
        return params;
    }

    /** The constraint on what may come next, or null. */
    public TokenConstraint constraint() {
        return constraint;
    }

    /** The last token sampled with its log-probabilities, when {@link #withLogprobs} asked for them; else null. */
    public Choice lastChoice() {
        return last;
    }

    /**
     * Picks the next token and, with a constraint, records it there.
     *
     * @param logits  the tail's logits for the last position; not modified
     * @param history the session's tokens so far (prompt and generated), for the penalty
     */
    public int sample(float[] logits, int[] history, int historyLength) {
        float[] l = biased(penalized(logits, history, historyLength), logits);
        int token = constraint == null ? pick(l) : TokenConstraint.sample(constraint, l, this::pick);
        if (constraint != null) {
            constraint.accept(token);
        }
        if (topLogprobs >= 0) {
            last = choice(l, token);
        }
        return token;
    }

    /** The token the sampling chain picks from {@code l}. */
    private int pick(float[] l) {
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

    /** {@code l} with the logit bias added (a copy unless {@code l} already is one). */
    private float[] biased(float[] l, float[] original) {
        if (bias.isEmpty()) {
            return l;
        }
        float[] b = l == original ? l.clone() : l;
        bias.forEach((token, add) -> {
            if (token >= 0 && token < b.length) {
                b[token] += add;
            }
        });
        return b;
    }

    /** The log-softmax of {@code l} at {@code token} and at the most likely tokens. */
    private Choice choice(float[] l, int token) {
        double max = l[argmax(l)];
        double logZ = max + Math.log(sumExp(l, max));
        int[] top = topLogprobs == 0 ? new int[0] : topK(l, Math.min(topLogprobs, l.length));
        float[] topLp = new float[top.length];
        for (int i = 0; i < top.length; i++) {
            topLp[i] = (float) (l[top[i]] - logZ);
        }
        return new Choice(token, (float) (l[token] - logZ), top, topLp);
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
