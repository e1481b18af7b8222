package exo.engine.java.forward;

import exo.engine.model.LayerTensors;

/** llama and mistral, with or without experts (Mixtral): grouped-query attention and SwiGLU or routed experts. */
final class LlamaForward implements ArchitectureForward {
    @Override
    public void layer(ForwardPass f, int layer, LayerTensors<Matrix, float[], MatrixStack> w, float[] x) {
        var attention = (LayerTensors.Gqa<Matrix, float[], MatrixStack>) w.attention();
        ArchitectureForward.preNorm(f, w, x, h -> GqaAttention.forward(f, layer, attention, h),
                h -> ArchitectureForward.ffn(f, w, h));
    }
}
