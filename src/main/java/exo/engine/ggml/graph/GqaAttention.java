package exo.engine.ggml.graph;

import exo.engine.ggml.GgmlOps;
import exo.engine.model.LayerTensors;
import exo.engine.model.ModelConfig;
import java.lang.foreign.MemorySegment;

/**
 * Grouped-query attention as llama.cpp's builders compute it: q, k, v projections (plus biases
 * where the file has them), per-head RMS norms of q and k where it has them, rope, attention over
 * the cache, and the output projection (plus its bias).
 */
public final class GqaAttention {
    private GqaAttention() {
    }

    /** x: the normed hidden state [dim, n]; returns [dim, n]. */
    public static MemorySegment build(GraphBuilder g, int layer,
                                      LayerTensors.Gqa<MemorySegment, MemorySegment, MemorySegment> w,
                                      MemorySegment x) {
        GgmlOps ops = g.ops();
        ModelConfig c = g.config();
        int n = g.columns();
        MemorySegment q = g.addIfPresent(g.matmul(w.q(), x), w.qBias());                        // [qDim, n]
        MemorySegment k = g.addIfPresent(g.matmul(w.k(), x), w.kBias());                        // [kvDim, n]
        MemorySegment v = g.addIfPresent(g.matmul(w.v(), x), w.vBias());                        // [kvDim, n]
        q = ops.ggml_reshape_3d(g.ctx(), q, c.headDim(), c.heads(), n);                          // [headDim, heads, n]
        k = ops.ggml_reshape_3d(g.ctx(), k, c.headDim(), c.kvHeads(), n);                        // [headDim, kvHeads, n]
        if (w.qNorm() != null) {
            q = g.norm(q, w.qNorm());
            k = g.norm(k, w.kNorm());
        }
        q = g.rope(q, layer);
        k = g.rope(k, layer);
        MemorySegment out = g.attention().attend(layer, q, k, v, new KvAttention.AttentionSpec(c.headDim(), c.kvHeads(),
                c.heads(), c.headDim(), 0, null, c.headDim(), c.attentionScale(), c.isSlidingLayer(layer)));
        return g.addIfPresent(g.matmul(w.output(), out), w.outputBias());                        // [dim, n]
    }
}
