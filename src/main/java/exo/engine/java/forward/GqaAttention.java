package exo.engine.java.forward;

import exo.engine.model.LayerTensors;
import exo.engine.model.ModelConfig;

/**
 * Grouped-query attention: q, k, v projections (plus biases where the file has them), per-head
 * RMS norms of q and k where it has them, rope, keys and values into the cache, attention, and
 * the output projection (plus its bias).
 */
public final class GqaAttention {
    private GqaAttention() {
    }

    /** x: the normed rows [rows x dim]; returns [rows x dim]. */
    public static float[] forward(ForwardPass f, int layer, LayerTensors.Gqa<Matrix, float[], MatrixStack> w, float[] x) {
        ModelConfig c = f.config();
        int hd = c.headDim();
        float[] q = f.project(w.q(), x);
        float[] k = f.project(w.k(), x);
        float[] v = f.project(w.v(), x);
        ForwardPass.addBias(q, w.qBias());
        ForwardPass.addBias(k, w.kBias());
        ForwardPass.addBias(v, w.vBias());
        if (w.qNorm() != null) {
            f.normInPlace(q, w.qNorm(), hd);
            f.normInPlace(k, w.kNorm(), hd);
        }
        Rope rope = f.rope(layer);
        int kvDim = c.kvDim();
        for (int t = 0; t < f.rows(); t++) {
            rope.apply(q, t * c.qDim(), c.heads(), hd, f.p0() + t);
            rope.apply(k, t * kvDim, c.kvHeads(), hd, f.p0() + t);
        }
        int l = f.cacheLayer(layer);
        float[] keys = f.cache().keys(l);
        float[] values = f.cache().values(l);
        System.arraycopy(k, 0, keys, f.p0() * kvDim, k.length);
        System.arraycopy(v, 0, values, f.p0() * kvDim, v.length);
        int window = c.isSlidingLayer(layer) ? c.slidingWindow().orElseThrow().window() : Integer.MAX_VALUE;
        float[] out = new CachedAttention(c.heads(), c.kvHeads(), hd, hd, keys, kvDim, values, kvDim,
                c.attentionScale(), window).attend(f, q);
        float[] projected = f.project(w.output(), out);
        ForwardPass.addBias(projected, w.outputBias());
        return projected;
    }
}
