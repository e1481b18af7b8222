package exo.engine.ggml.graph;

import exo.engine.ggml.GgmlOps;
import exo.engine.model.ExpertConfig;
import exo.engine.model.LayerTensors;
import java.lang.foreign.MemorySegment;

/**
 * llama.cpp's {@code build_moe_ffn}, op for op: router scores, the best experts by the
 * (optionally biased, optionally group-limited) scores, their unbiased scores as weights
 * (normalised, scaled), each chosen expert's SwiGLU through {@code ggml_mul_mat_id}, and the
 * weighted outputs summed in selection order; then the shared expert(s), gated where the
 * architecture gates them (Qwen2 MoE: silu(g)/g, which is sigmoid written as llama.cpp writes it).
 */
public final class MoeFfn {
    /** ggml_sort_order GGML_SORT_ORDER_DESC. */
    private static final int DESCENDING = 1;
    /** Added to the scores of experts outside the chosen groups: finite, since -inf x 0 is NaN. */
    private static final float DROPPED = -1e30f;
    /** newer llama.cpp's floor on the weights' sum: the smallest normal F16. */
    private static final float MIN_SUM = 6.103515625e-5f;

    private MoeFfn() {
    }

    /** x: the normed hidden state [dim, n]; returns [dim, n]. */
    public static MemorySegment build(GraphBuilder g, LayerTensors.Moe<MemorySegment, MemorySegment, MemorySegment> w,
                                      MemorySegment x) {
        MemorySegment routed = routed(g, w, x);
        if (w.shared() == null) {
            return routed;
        }
        MemorySegment shared = DenseFfn.build(g, w.shared(), x, DenseFfn.Activation.SILU);    // [dim, n]
        if (w.sharedGate() != null) {
            MemorySegment logit = g.columnExactMatmul(w.sharedGate(), x);                       // [1, n]
            MemorySegment gate = g.ops().ggml_div(g.ctx(), g.ops().ggml_silu(g.ctx(), logit), logit);
            shared = g.mul(shared, gate);
        }
        return g.add(routed, shared);
    }

    private static MemorySegment routed(GraphBuilder g, LayerTensors.Moe<MemorySegment, MemorySegment, MemorySegment> w,
                                        MemorySegment x) {
        GgmlOps ops = g.ops();
        MemorySegment ctx = g.ctx();
        ExpertConfig e = g.config().experts().orElseThrow();
        int n = g.columns();
        int dim = g.config().dim();
        int used = e.used();

        MemorySegment logits = g.columnExactMatmul(w.router(), x);                              // [experts, n]
        MemorySegment probs = e.gating() == ExpertConfig.Gating.SOFTMAX
                ? ops.ggml_soft_max(ctx, logits) : ops.ggml_sigmoid(ctx, logits);
        MemorySegment selection = g.addIfPresent(probs, w.selectionBias());                     // bias chooses, never weighs
        if (e.groupLimited()) {
            selection = keepBestGroups(g, e, selection);
        }
        MemorySegment chosen = ops.ggml_top_k(ctx, selection, used);                            // I32 [used, n]
        MemorySegment weights = ops.ggml_get_rows(ctx, ops.ggml_reshape_3d(ctx, probs, 1, e.count(), n), chosen); // [1, used, n]
        if (e.normalize()) {
            MemorySegment flat = ops.ggml_reshape_2d(ctx, weights, used, n);
            MemorySegment sum = ops.ggml_sum_rows(ctx, flat);                                   // [1, n]
            if (e.clampSum()) {
                sum = ops.ggml_clamp(ctx, sum, MIN_SUM, Float.POSITIVE_INFINITY);
            }
            weights = ops.ggml_reshape_3d(ctx, ops.ggml_div(ctx, flat, sum), 1, used, n);
        }
        if (e.scaled()) {
            weights = ops.ggml_scale(ctx, weights, e.scale());
        }

        MemorySegment x3 = ops.ggml_reshape_3d(ctx, x, dim, 1, n);
        MemorySegment up = ops.ggml_mul_mat_id(ctx, w.up(), x3, chosen);                        // [ffn, used, n]
        MemorySegment gate = ops.ggml_silu(ctx, ops.ggml_mul_mat_id(ctx, w.gate(), x3, chosen));
        MemorySegment experts = ops.ggml_mul_mat_id(ctx, w.down(), g.mul(up, gate), chosen);    // [dim, used, n]
        experts = g.mul(experts, weights);
        // Summed in selection order, one add per expert, as llama.cpp folds them.
        long column = 4L * dim * used;
        MemorySegment out = ops.ggml_view_2d(ctx, experts, dim, n, column, 0);
        for (int i = 1; i < used; i++) {
            out = g.add(out, ops.ggml_view_2d(ctx, experts, dim, n, column, 4L * dim * i));
        }
        return used == 1 ? ops.ggml_cont(ctx, out) : out;
    }

    /**
     * DeepSeek V3's group-limited routing with ops llama.cpp b4916 has: a group's score is the sum
     * of its two best expert scores; experts outside the {@code groupsUsed} best groups get
     * {@value #DROPPED} added, so top-k never picks them. (Groups tied with the last kept one are
     * kept too; newer llama.cpp keeps exactly groupsUsed of them.)
     */
    private static MemorySegment keepBestGroups(GraphBuilder g, ExpertConfig e, MemorySegment selection) {
        GgmlOps ops = g.ops();
        MemorySegment ctx = g.ctx();
        int n = g.columns();
        int groups = e.groups();
        int perGroup = e.count() / groups;
        MemorySegment grouped = ops.ggml_reshape_3d(ctx, selection, perGroup, groups, n);        // [perGroup, groups, n]
        MemorySegment best2 = ops.ggml_top_k(ctx, grouped, 2);                                  // I32 [2, groups, n]
        MemorySegment top = ops.ggml_get_rows(ctx, ops.ggml_reshape_4d(ctx, grouped, 1, perGroup, groups, n), best2);
        MemorySegment scores = ops.ggml_reshape_2d(ctx,
                ops.ggml_sum_rows(ctx, ops.ggml_reshape_3d(ctx, top, 2, groups, n)), groups, n); // [groups, n]
        MemorySegment order = ops.ggml_argsort(ctx, scores, DESCENDING);                        // I32 [groups, n]
        MemorySegment last = ops.ggml_view_2d(ctx, order, 1, n, 4L * groups, 4L * (e.groupsUsed() - 1));
        MemorySegment threshold = ops.ggml_get_rows(ctx, ops.ggml_reshape_3d(ctx, scores, 1, groups, n), last); // [1, 1, n]
        // step(threshold - score): 1 for the groups below the last kept one.
        MemorySegment dropped = ops.ggml_step(ctx, ops.ggml_neg(ctx,
                ops.ggml_sub(ctx, scores, ops.ggml_reshape_2d(ctx, threshold, 1, n))));
        MemorySegment penalty = ops.ggml_reshape_3d(ctx, ops.ggml_scale(ctx, dropped, DROPPED), 1, groups, n);
        return ops.ggml_reshape_2d(ctx, g.add(grouped, penalty), e.count(), n);
    }
}
