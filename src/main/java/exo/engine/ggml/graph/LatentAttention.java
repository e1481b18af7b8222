package exo.engine.ggml.graph;

import exo.engine.ggml.GgmlOps;
import exo.engine.model.LatentConfig;
import exo.engine.model.LayerTensors;
import exo.engine.model.ModelConfig;
import java.lang.foreign.MemorySegment;

/**
 * DeepSeek's multi-head latent attention. With {@code attn_kv_b} (b4916's {@code
 * llm_build_deepseek2}, op for op) the latent is expanded into per-head keys and values and
 * cached as those. With {@code attn_k_b} and {@code attn_v_b} (llama.cpp since mid-2025) the key
 * projection is absorbed into the query and the value projection applied after attention, so the
 * cache holds one row per position: the normed latent and the roped key; attention is then MQA
 * over it. The two give the same values up to float rounding, not the same bits.
 */
public final class LatentAttention {
    private LatentAttention() {
    }

    /** x: the normed hidden state [dim, n]; returns [dim, n]. */
    public static MemorySegment build(GraphBuilder g, int layer,
                                      LayerTensors.Latent<MemorySegment, MemorySegment, MemorySegment> w,
                                      MemorySegment x) {
        GgmlOps ops = g.ops();
        MemorySegment ctx = g.ctx();
        ModelConfig c = g.config();
        LatentConfig l = c.latent().orElseThrow();
        int n = g.columns();
        int h = c.heads();
        int nope = l.nopeDim();
        int rope = l.ropeDim();
        int kvRank = l.kvRank();
        long qRow = 4L * l.keyDim();

        MemorySegment q = w.q() != null ? g.matmul(w.q(), x)
                : g.matmul(w.qB(), g.norm(g.matmul(w.qA(), x), w.qANorm()));                   // [h * keyDim, n]
        MemorySegment qNope = ops.ggml_view_3d(ctx, q, nope, h, n, qRow, qRow * h, 0);           // [nope, h, n]
        MemorySegment qPe = ops.ggml_view_3d(ctx, q, rope, h, n, qRow, qRow * h, 4L * nope);      // [rope, h, n]
        MemorySegment kvPe = g.matmul(w.kvA(), x);                                              // [kvRank + rope, n]
        long kvRow = 4L * (kvRank + rope);
        MemorySegment latent = ops.ggml_view_2d(ctx, kvPe, kvRank, n, kvRow, 0);
        MemorySegment kPe = ops.ggml_view_3d(ctx, kvPe, rope, 1, n, kvRow, kvRow, 4L * kvRank);  // [rope, 1, n]
        latent = g.norm(ops.ggml_cont(ctx, latent), w.kvANorm());                                // [kvRank, n]
        // The rotation is pre-scaled so that ggml's YaRN magnitude factor cancels (kq_scale carries mscale^2).
        qPe = g.rope(ops.ggml_cont(ctx, qPe), c.ropeFor(layer), c.rope().attnFactor());
        kPe = g.rope(ops.ggml_cont(ctx, kPe), c.ropeFor(layer), c.rope().attnFactor());

        MemorySegment out;
        if (!l.split()) {
            MemorySegment kv = g.matmul(w.kvB(), latent);                                       // [h * (nope + v), n]
            long kvHeadRow = 4L * (nope + l.valueDim());
            MemorySegment kNope = ops.ggml_view_3d(ctx, kv, nope, h, n, kvHeadRow, kvHeadRow * h, 0);
            MemorySegment v = ops.ggml_cont(ctx, ops.ggml_view_3d(ctx, kv, l.valueDim(), h, n, kvHeadRow,
                    kvHeadRow * h, 4L * nope));                                                  // [v, h, n]
            v = ops.ggml_view_2d(ctx, v, (long) l.valueDim() * h, n, 4L * l.valueDim() * h, 0);  // [v * h, n]
            MemorySegment qs = ops.ggml_concat(ctx, qNope, qPe, 0);                              // [keyDim, h, n]
            MemorySegment ks = ops.ggml_concat(ctx, kNope, ops.ggml_repeat(ctx, kPe, qPe), 0);   // [keyDim, h, n]
            out = g.attention().attend(layer, qs, ks, v, new KvAttention.AttentionSpec(l.keyDim(), h, h,
                    l.valueDim(), 0, null, l.valueDim(), c.attentionScale(), false));
        } else {
            MemorySegment qAbsorbed = g.matmul(w.kB(), ops.ggml_permute(ctx, qNope, 0, 2, 1, 3)); // [kvRank, n, h]
            qAbsorbed = ops.ggml_permute(ctx, qAbsorbed, 0, 2, 1, 3);                              // [kvRank, h, n]
            MemorySegment qs = ops.ggml_concat(ctx, qAbsorbed, qPe, 0);                            // [kvRank + rope, h, n]
            MemorySegment ks = ops.ggml_concat(ctx, ops.ggml_reshape_3d(ctx, latent, kvRank, 1, n), kPe, 0); // [kvRank + rope, 1, n]
            out = g.attention().attend(layer, qs, ks, null, new KvAttention.AttentionSpec(kvRank + rope, 1, h,
                    kvRank, kvRank, w.vB(), l.valueDim(), c.attentionScale(), false));
        }
        return g.matmul(w.output(), out);                                                       // [dim, n]
    }
}
