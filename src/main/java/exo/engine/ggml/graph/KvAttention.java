package exo.engine.ggml.graph;

import java.lang.foreign.MemorySegment;

/**
 * Attention over a KV cache for the columns of a graph: one session's positions
 * ({@link SessionAttention}), or one position of each of several sessions ({@link BatchedAttention}).
 */
@FunctionalInterface
public interface KvAttention {
    /**
     * Stores this graph's keys and values in layer {@code layer}'s cache, then attends.
     *
     * @param q roped queries [keyDim, heads, n]
     * @param k roped keys [keyDim, kvHeads, n]
     * @param v values [valueDim * kvHeads, n], or null when the values are the first
     *          {@link AttentionSpec#latentWidth} elements of each cached key
     * @return [valueDim * heads, n] (after the spec's value projection, if any)
     */
    MemorySegment attend(int layer, MemorySegment q, MemorySegment k, MemorySegment v, AttentionSpec spec);

    /**
     * The shape and scale of one layer's attention.
     *
     * @param valueDim        a head's value width as attention produces it (before any projection)
     * @param latentWidth     with no V cache: the leading elements of a key row that are the value
     * @param valueProjection a per-head projection of the attended values [valueDim, out, heads]
     *                        (latent attention's attn_v_b), or null
     * @param outputDim       a head's width after the projection (valueDim without one)
     */
    record AttentionSpec(int keyDim, int kvHeads, int heads, int valueDim, int latentWidth,
                         MemorySegment valueProjection, int outputDim, float scale, boolean sliding) {
    }
}
