package exo.engine.ggml.graph;

import exo.engine.ggml.GgmlOps;
import exo.engine.model.ModelConfig;
import exo.engine.model.RopeConfig;
import java.lang.foreign.MemorySegment;

/**
 * A forward pass's graph under construction: ggml ops on one context, and what every block of it
 * reads: the model's config, the positions, the attention over the KV cache, and the rows a
 * pruned tail keeps. Shapes in comments are ggml's [ne0, ne1, ne2]; ne0 is contiguous.
 *
 * @param columns     the graph's columns: positions of one session, or sessions side by side
 * @param perColumn   whether products with non-column-exact weights (the F32 routers) must be
 *                    computed one column at a time, as each would be alone (a decode batch)
 * @param outputRows  the I32 row a tail keeps after its last attention (llama.cpp's inp_out_ids:
 *                    only the last position's logits are wanted), or null
 */
public record GraphBuilder(GgmlOps ops, MemorySegment ctx, MemorySegment graph, ModelConfig config,
                           MemorySegment positions, MemorySegment ropeFactors, KvAttention attention, int columns,
                           boolean perColumn, MemorySegment outputRows) {

    /** llama_rope_type: LLAMA_ROPE_TYPE_NORM (adjacent pairs) and NEOX (halves). */
    private static final int ROPE_NORM = 0;
    private static final int ROPE_NEOX = 2;

    /** llama.cpp's build_norm for RMS: rms_norm(x) * w over ne0. */
    public MemorySegment norm(MemorySegment x, MemorySegment weight) {
        return ops.ggml_mul(ctx, ops.ggml_rms_norm(ctx, x, config.normEps()), weight);
    }

    public MemorySegment matmul(MemorySegment w, MemorySegment x) {
        return ops.ggml_mul_mat(ctx, w, x);
    }

    /**
     * w . x with each column's bits those of its product alone: in a decode batch one product per
     * column, since ggml computes F32 products of two columns or more with llamafile's tiled
     * kernels, which sum in another order than a single column's dot products. x: [k, columns].
     */
    public MemorySegment columnExactMatmul(MemorySegment w, MemorySegment x) {
        if (!perColumn || columns == 1) {
            return matmul(w, x);
        }
        long k = config.dim();
        MemorySegment joined = null;
        for (int b = 0; b < columns; b++) {
            MemorySegment col = ops.ggml_mul_mat(ctx, w, ops.ggml_view_2d(ctx, x, k, 1, 4L * k, 4L * k * b));
            joined = joined == null ? col : ops.ggml_concat(ctx, joined, col, 1);
        }
        return joined;
    }

    public MemorySegment add(MemorySegment a, MemorySegment b) {
        return ops.ggml_add(ctx, a, b);
    }

    public MemorySegment mul(MemorySegment a, MemorySegment b) {
        return ops.ggml_mul(ctx, a, b);
    }

    /** a + b, or a where there is no b (an optional bias). */
    public MemorySegment addIfPresent(MemorySegment a, MemorySegment b) {
        return b == null ? a : ops.ggml_add(ctx, a, b);
    }

    /** Layer {@code layer}'s rotation of x [dims..., heads, n] at the graph's positions. */
    public MemorySegment rope(MemorySegment x, int layer) {
        return rope(x, config.ropeFor(layer), config.rope().attnFactor());
    }

    /** As {@link #rope(MemorySegment, int)} with another YaRN attention factor (DeepSeek's pre-scaling). */
    public MemorySegment rope(MemorySegment x, RopeConfig r, float attnFactor) {
        return ops.ggml_rope_ext(ctx, x, positions, ropeFactors == null ? MemorySegment.NULL : ropeFactors, r.dims(),
                r.neox() ? ROPE_NEOX : ROPE_NORM, r.originalContext(), r.base(), r.freqScale(), r.extFactor(),
                attnFactor, r.betaFast(), r.betaSlow());
    }

    /** The row a pruned tail keeps (llama.cpp's skip of unused outputs at the last layer), or x. */
    public MemorySegment prune(MemorySegment x, boolean prune) {
        return prune && outputRows != null ? ops.ggml_get_rows(ctx, x, outputRows) : x;
    }

    /** This builder for what follows {@link #prune}: one column where it pruned. */
    public GraphBuilder afterPrune(boolean prune) {
        return prune && outputRows != null
                ? new GraphBuilder(ops, ctx, graph, config, positions, ropeFactors, attention, 1, false, outputRows)
                : this;
    }
}
