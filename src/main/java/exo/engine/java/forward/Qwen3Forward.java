package exo.engine.java.forward;

import exo.engine.model.LayerTensors;

/** qwen3: per-head Q/K norms before rope, SwiGLU. */
final class Qwen3Forward implements ArchitectureForward {
    @Override
    public void layer(ForwardPass f, int layer, LayerTensors<Matrix, float[], MatrixStack> w, float[] x) {
        var attention = (LayerTensors.Gqa<Matrix, float[], MatrixStack>) w.attention();
        ArchitectureForward.preNorm(f, w, x, h -> GqaAttention.forward(f, layer, attention, h),
                h -> ArchitectureForward.ffn(f, w, h));
    }
}
