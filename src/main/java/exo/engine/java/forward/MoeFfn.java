package exo.engine.java.forward;

import exo.engine.model.ExpertConfig;
import exo.engine.model.LayerTensors;
import exo.engine.model.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A mixture-of-experts feed-forward as llama.cpp routes it: router scores (softmax or sigmoid),
 * the best {@code used} experts by the scores plus the selection bias (within the best groups
 * where the model limits them), weighted by their unbiased scores (normalised, scaled), each
 * expert's SwiGLU summed in selection order; plus the shared expert(s), gated by sigmoid where
 * the architecture gates them. Each expert's matrices run over all the rows routed to it at once.
 */
public final class MoeFfn {
    /** What llama.cpp (since 2025) floors the weights' sum at: the smallest normal F16. */
    private static final float MIN_SUM = 6.103515625e-5f;

    private MoeFfn() {
    }

    /** x: the normed rows [rows x dim]; returns [rows x dim]. */
    public static float[] forward(ForwardPass f, LayerTensors.Moe<Matrix, float[], MatrixStack> w, float[] x) {
        ModelConfig c = f.config();
        ExpertConfig e = c.experts().orElseThrow();
        int rows = f.rows();
        int dim = c.dim();
        int used = e.used();
        int[][] chosen = new int[rows][];
        float[][] weights = new float[rows][];
        float[] logits = f.project(w.router(), x);                                          // [rows x experts]
        for (int t = 0; t < rows; t++) {
            float[] probs = Arrays.copyOfRange(logits, t * e.count(), (t + 1) * e.count());
            route(e, w.selectionBias(), probs, chosen[t] = new int[used], weights[t] = new float[used]);
        }
        // Each expert over the rows routed to it; outputs kept per (row, slot) to be summed in selection order.
        float[][] slots = new float[rows * used][];
        for (int expert = 0; expert < e.count(); expert++) {
            List<Integer> routed = new ArrayList<>();
            for (int t = 0; t < rows; t++) {
                for (int s = 0; s < used; s++) {
                    if (chosen[t][s] == expert) {
                        routed.add(t * used + s);
                    }
                }
            }
            if (routed.isEmpty()) {
                continue;
            }
            float[] in = new float[routed.size() * dim];
            for (int i = 0; i < routed.size(); i++) {
                System.arraycopy(x, routed.get(i) / used * dim, in, i * dim, dim);
            }
            float[] gate = apply(f, w.gate().get(expert), in, routed.size());
            float[] up = apply(f, w.up().get(expert), in, routed.size());
            VectorOps.swiglu(gate, up, gate.length);
            float[] down = apply(f, w.down().get(expert), gate, routed.size());
            for (int i = 0; i < routed.size(); i++) {
                slots[routed.get(i)] = Arrays.copyOfRange(down, i * dim, (i + 1) * dim);
            }
        }
        float[] out = new float[rows * dim];
        for (int t = 0; t < rows; t++) {
            for (int s = 0; s < used; s++) {
                float[] y = slots[t * used + s];
                float weight = weights[t][s];
                for (int i = 0; i < dim; i++) {
                    out[t * dim + i] += y[i] * weight;
                }
            }
        }
        if (w.shared() != null) {
            float[] shared = DenseFfn.forward(f, w.shared(), x, DenseFfn.Activation.SILU);
            if (w.sharedGate() != null) {
                float[] g = f.project(w.sharedGate(), x);                                   // [rows x 1]
                for (int t = 0; t < rows; t++) {
                    float gate = VectorOps.silu(g[t]) / g[t];                                // sigmoid, as llama.cpp writes it
                    for (int i = 0; i < dim; i++) {
                        shared[t * dim + i] *= gate;
                    }
                }
            }
            VectorOps.add(shared, out, out.length);
        }
        return out;
    }

    private static float[] apply(ForwardPass f, Matrix m, float[] x, int count) {
        float[] out = new float[count * m.rows()];
        m.apply(f.mm(), x, count, out);
        return out;
    }

    /** One row's routing: its router logits in, the chosen experts and their weights out. */
    static void route(ExpertConfig e, float[] bias, float[] logits, int[] chosen, float[] weights) {
        float[] probs = logits;
        if (e.gating() == ExpertConfig.Gating.SOFTMAX) {
            VectorOps.softmax(probs, probs.length);
        } else {
            for (int i = 0; i < probs.length; i++) {
                probs[i] = VectorOps.sigmoid(probs[i]);
            }
        }
        float[] selection = probs.clone();
        if (bias != null) {
            for (int i = 0; i < selection.length; i++) {
                selection[i] += bias[i];
            }
        }
        if (e.groupLimited()) {
            keepBestGroups(e, selection);
        }
        int[] order = descending(selection);
        double sum = 0;
        for (int s = 0; s < chosen.length; s++) {
            chosen[s] = order[s];
            weights[s] = probs[order[s]];
            sum += weights[s];
        }
        if (e.normalize()) {
            float total = e.clampSum() ? Math.max((float) sum, MIN_SUM) : (float) sum;
            for (int s = 0; s < weights.length; s++) {
                weights[s] /= total;
            }
        }
        if (e.scaled()) {
            for (int s = 0; s < weights.length; s++) {
                weights[s] *= e.scale();
            }
        }
    }

    /** DeepSeek V3's group limit: experts outside the best groups (by their two best scores) are never chosen. */
    private static void keepBestGroups(ExpertConfig e, float[] selection) {
        int perGroup = e.count() / e.groups();
        float[] scores = new float[e.groups()];
        for (int g = 0; g < e.groups(); g++) {
            int[] best = descending(Arrays.copyOfRange(selection, g * perGroup, (g + 1) * perGroup));
            scores[g] = (float) ((double) selection[g * perGroup + best[0]] + selection[g * perGroup + best[1]]);
        }
        float threshold = scores[descending(scores)[e.groupsUsed() - 1]];
        for (int g = 0; g < e.groups(); g++) {
            if (scores[g] < threshold) {
                for (int i = g * perGroup; i < (g + 1) * perGroup; i++) {
                    selection[i] = Float.NEGATIVE_INFINITY;
                }
            }
        }
    }

    /** Indices of v by descending value, ties by lower index first (ggml's argsort keeps that order). */
    static int[] descending(float[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> v[a] != v[b] ? Float.compare(v[b], v[a]) : Integer.compare(a, b));
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = idx[i];
        }
        return out;
    }
}
