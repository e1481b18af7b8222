package exo.engine.ggml.graph;

import exo.engine.ggml.GgmlOps;
import java.lang.foreign.MemorySegment;

/**
 * One session's attention, as llama.cpp b4916 builds it without flash attention
 * ({@code build_attn} with the unified cache): this graph's {@code n} keys and values are stored
 * at positions [p0, p0 + n), then softmax(K^T q x scale + mask) V per head over the first
 * {@code cells} cells; query head h reads KV head h / (heads / kvHeads).
 *
 * @param first       the model's index of the cache's layer 0 (the shard's first layer)
 * @param mask        the causal mask [cells, padded n]
 * @param slidingMask the sliding-window mask, or null for a model without one
 */
public record SessionAttention(GgmlOps ops, MemorySegment ctx, MemorySegment graph, LayerCache cache, int first, int n, int p0,
                               int cells, MemorySegment mask, MemorySegment slidingMask) implements KvAttention {
    private static final long F16 = 2;

    @Override
    public MemorySegment attend(int modelLayer, MemorySegment q, MemorySegment k, MemorySegment v, AttentionSpec s) {
        int layer = modelLayer - first;
        long kRow = cache.keyRowBytes();
        int keyWidth = s.keyDim() * s.kvHeads();
        // Store before anything reads the cache: the graph runs in order.
        MemorySegment kSlot = ops.ggml_view_2d(ctx, cache.keys(layer), keyWidth, n, kRow, p0 * kRow);
        ops.ggml_build_forward_expand(graph, ops.ggml_cpy(ctx, k, kSlot));
        long vRow = cache.valueRowBytes();
        int valueWidth = s.valueDim() * s.kvHeads();
        if (v != null) {
            MemorySegment vSlot = ops.ggml_view_2d(ctx, cache.values(layer), n, valueWidth, vRow, p0 * F16);
            MemorySegment vT = ops.ggml_transpose(ctx, ops.ggml_reshape_2d(ctx, v, valueWidth, n)); // [n, valueWidth]
            ops.ggml_build_forward_expand(graph, ops.ggml_cpy(ctx, vT, vSlot));
        }

        MemorySegment qp = ops.ggml_permute(ctx, q, 0, 2, 1, 3);                               // [keyDim, n, heads]
        MemorySegment keys = ops.ggml_view_3d(ctx, cache.keys(layer), s.keyDim(), cells, s.kvHeads(), kRow,
                (long) s.keyDim() * F16, 0);                                                   // [keyDim, cells, kvHeads]
        MemorySegment kq = ops.ggml_mul_mat(ctx, keys, qp);                                   // [cells, n, heads]
        kq = ops.ggml_soft_max_ext(ctx, kq, s.sliding() ? slidingMask : mask, s.scale(), 0f);
        MemorySegment values;
        if (v != null) {
            values = ops.ggml_view_3d(ctx, cache.values(layer), cells, s.valueDim(), s.kvHeads(), vRow,
                    vRow * s.valueDim(), 0);                                                   // [cells, valueDim, kvHeads]
        } else {
            // The cached latent is the value: its rows transposed into [cells, latent], as llama.cpp does for an untransposed V.
            MemorySegment latent = ops.ggml_view_2d(ctx, cache.keys(layer), s.latentWidth(), cells, kRow, 0);
            values = ops.ggml_cont(ctx, ops.ggml_transpose(ctx, latent));
        }
        MemorySegment kqv = ops.ggml_mul_mat(ctx, values, kq);                                // [valueDim, n, heads]
        if (s.valueProjection() != null) {
            kqv = ops.ggml_mul_mat(ctx, s.valueProjection(), kqv);                            // [outputDim, n, heads]
        }
        return ops.ggml_cont_2d(ctx, ops.ggml_permute(ctx, kqv, 0, 2, 1, 3), (long) s.outputDim() * s.heads(), n);
    }
}
