package exo.engine.java.forward;

import exo.engine.model.LayerTensors;

/** qwen2moe: Qwen2's attention; softmax routing, not renormalised, plus a sigmoid-gated shared expert. */
final class Qwen2MoeForward implements ArchitectureForward {
    @Override
    public void layer(ForwardPass f, int layer, LayerTensors<Matrix, float[], MatrixStack> w, float[] x) {
        var attention = (LayerTensors.Gqa<Matrix, float[], MatrixStack>) w.attention();
        ArchitectureForward.preNorm(f, w, x, h -> GqaAttention.forward(f, layer, attention, h),
                h -> ArchitectureForward.ffn(f, w, h));
    }
}
