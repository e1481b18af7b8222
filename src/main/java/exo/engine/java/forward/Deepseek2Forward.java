package exo.engine.java.forward;

import exo.engine.model.LayerTensors;

/**
 * deepseek2 (DeepSeek V2/V3/R1, Kimi K2): latent attention with YaRN pre-scaling; dense lead
 * layers, then routed experts plus the shared ones.
 */
final class Deepseek2Forward implements ArchitectureForward {
    @Override
    public void layer(ForwardPass f, int layer, LayerTensors<Matrix, float[], MatrixStack> w, float[] x) {
        var attention = (LayerTensors.Latent<Matrix, float[], MatrixStack>) w.attention();
        ArchitectureForward.preNorm(f, w, x, h -> LatentAttention.forward(f, layer, attention, h),
                h -> ArchitectureForward.ffn(f, w, h));
    }
}
