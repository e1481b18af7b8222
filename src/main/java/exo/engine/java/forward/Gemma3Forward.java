package exo.engine.java.forward;

import exo.engine.model.LayerTensors;
import exo.engine.model.ModelConfig;

/**
 * gemma3: embeddings scaled by sqrt(dim); attention (per-head Q/K norms, the layer's own rope
 * base, a sliding window on five layers of six) normed before its residual add; GeGLU normed
 * before its residual add.
 */
final class Gemma3Forward implements ArchitectureForward {
    @Override
    public void embed(ModelConfig c, float[] rows) {
        for (int i = 0; i < rows.length; i++) {
            rows[i] *= c.embeddingScale();
        }
    }

    @Override
    public void layer(ForwardPass f, int layer, LayerTensors<Matrix, float[], MatrixStack> w, float[] x) {
        int dim = f.config().dim();
        var attention = (LayerTensors.Gqa<Matrix, float[], MatrixStack>) w.attention();
        var ffn = (LayerTensors.Dense<Matrix, float[], MatrixStack>) w.ffn();
        float[] a = GqaAttention.forward(f, layer, attention, f.norm(x, w.attnNorm(), dim));
        f.normInPlace(a, w.attnPostNorm(), dim);
        VectorOps.add(a, x, x.length);
        float[] y = DenseFfn.forward(f, ffn, f.norm(x, w.ffnNorm(), dim), DenseFfn.Activation.GELU);
        f.normInPlace(y, w.ffnPostNorm(), dim);
        VectorOps.add(y, x, x.length);
    }
}
