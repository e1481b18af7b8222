package exo.engine.java.forward;

import exo.engine.model.LayerTensors;

/** qwen2: llama's layer with Q/K/V biases and NeoX rope (the config and tensors carry both). */
final class Qwen2Forward implements ArchitectureForward {
    @Override
    public void layer(ForwardPass f, int layer, LayerTensors<Matrix, float[], MatrixStack> w, float[] x) {
        var attention = (LayerTensors.Gqa<Matrix, float[], MatrixStack>) w.attention();
        ArchitectureForward.preNorm(f, w, x, h -> GqaAttention.forward(f, layer, attention, h),
                h -> ArchitectureForward.ffn(f, w, h));
    }
}
