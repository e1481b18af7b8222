package exo.engine.java.forward;

import exo.engine.model.LayerTensors;

/** glm4moe: attention with biases, optional Q/K norms and partial NeoX rope; dense lead layers, then sigmoid routing with the selection bias plus the shared expert. */
final class Glm4MoeForward implements ArchitectureForward {
    @Override
    public void layer(ForwardPass f, int layer, LayerTensors<Matrix, float[], MatrixStack> w, float[] x) {
        var attention = (LayerTensors.Gqa<Matrix, float[], MatrixStack>) w.attention();
        ArchitectureForward.preNorm(f, w, x, h -> GqaAttention.forward(f, layer, attention, h),
                h -> ArchitectureForward.ffn(f, w, h));
    }
}
