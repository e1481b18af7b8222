package exo.engine.java.forward;

import exo.engine.model.LatentConfig;
import exo.engine.model.LayerTensors;
import exo.engine.model.ModelConfig;

/**
 * DeepSeek's multi-head latent attention. With {@code attn_kv_b} the latent is expanded into
 * per-head keys and values, which are cached; with {@code attn_k_b} and {@code attn_v_b} the key
 * projection is absorbed into each head's query and the value projection applied to each head's
 * attended latent, and the cache holds one row per position: the normed latent and the roped key.
 */
public final class LatentAttention {
    private LatentAttention() {
    }

    /** x: the normed rows [rows x dim]; returns [rows x dim]. */
    public static float[] forward(ForwardPass f, int layer, LayerTensors.Latent<Matrix, float[], MatrixStack> w,
                                  float[] x) {
        ModelConfig c = f.config();
        LatentConfig l = c.latent().orElseThrow();
        int rows = f.rows();
        int h = c.heads();
        int nope = l.nopeDim();
        int ropeDim = l.ropeDim();
        int keyDim = l.keyDim();
        int kvRank = l.kvRank();
        float[] q = w.q() != null ? f.project(w.q(), x)
                : f.project(w.qB(), f.norm(f.project(w.qA(), x), w.qANorm(), l.qRank()));   // [rows x h * keyDim]
        float[] kvPe = f.project(w.kvA(), x);                                              // [rows x kvRank + rope]
        Rope rope = f.rope(layer);
        float[] latent = new float[rows * kvRank];
        for (int t = 0; t < rows; t++) {
            int pos = f.p0() + t;
            VectorOps.rmsNorm(kvPe, t * (kvRank + ropeDim), w.kvANorm(), c.normEps(), latent, t * kvRank, kvRank);
            rope.apply(q, t * h * keyDim + nope, h, keyDim, pos);                         // each head's last ropeDim
            rope.apply(kvPe, t * (kvRank + ropeDim) + kvRank, 1, ropeDim, pos);
        }
        int cl = f.cacheLayer(layer);
        float[] keys = f.cache().keys(cl);
        float[] out;
        if (!l.split()) {
            int valueDim = l.valueDim();
            float[] kv = f.project(w.kvB(), latent);                                       // [rows x h * (nope + v)]
            float[] values = f.cache().values(cl);
            for (int t = 0; t < rows; t++) {
                int pos = f.p0() + t;
                for (int head = 0; head < h; head++) {
                    int kvAt = (t * h + head) * (nope + valueDim);
                    int keyAt = (pos * h + head) * keyDim;
                    System.arraycopy(kv, kvAt, keys, keyAt, nope);
                    System.arraycopy(kvPe, t * (kvRank + ropeDim) + kvRank, keys, keyAt + nope, ropeDim);
                    System.arraycopy(kv, kvAt + nope, values, (pos * h + head) * valueDim, valueDim);
                }
            }
            out = new CachedAttention(h, h, keyDim, valueDim, keys, h * keyDim, values, h * valueDim,
                    c.attentionScale(), Integer.MAX_VALUE).attend(f, q);
        } else {
            int row = kvRank + ropeDim;
            float[] absorbed = new float[rows * h * row];
            for (int t = 0; t < rows; t++) {
                int pos = f.p0() + t;
                System.arraycopy(latent, t * kvRank, keys, pos * row, kvRank);
                System.arraycopy(kvPe, t * row + kvRank, keys, pos * row + kvRank, ropeDim);
                for (int head = 0; head < h; head++) {
                    int qAt = (t * h + head) * keyDim;
                    int at = (t * h + head) * row;
                    w.kB().get(head).apply(f.mm(), q, qAt, absorbed, at);                  // kvRank from nope
                    System.arraycopy(q, qAt + nope, absorbed, at + kvRank, ropeDim);
                }
            }
            float[] attended = new CachedAttention(h, 1, row, kvRank, keys, row, keys, row, c.attentionScale(),
                    Integer.MAX_VALUE).attend(f, absorbed);                                // [rows x h * kvRank]
            out = new float[rows * h * l.valueDim()];
            for (int i = 0; i < rows * h; i++) {
                w.vB().get(i % h).apply(f.mm(), attended, i * kvRank, out, i * l.valueDim());
            }
        }
        return f.project(w.output(), out);
    }
}
