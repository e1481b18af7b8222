package exo.engine.ggml.graph;

import exo.engine.model.LayerTensors;
import java.lang.foreign.MemorySegment;

/**
 * b4916's {@code llm_build_deepseek2} (DeepSeek V2/V3/R1, Kimi K2): latent attention with
 * YaRN pre-scaling; SwiGLU in the leading dense layers, routed experts (softmax or sigmoid, with
 * the selection bias, normalised and scaled as the file says) plus the ungated shared experts in
 * the others.
 */
final class Deepseek2Graph implements ArchitectureGraph {
    @Override
    public MemorySegment layer(GraphBuilder g, int layer, LayerTensors<MemorySegment, MemorySegment, MemorySegment> w,
                               MemorySegment x, boolean prune) {
        var attention = (LayerTensors.Latent<MemorySegment, MemorySegment, MemorySegment>) w.attention();
        return ArchitectureGraph.preNorm(g, w, x, prune, (b, h) -> LatentAttention.build(b, layer, attention, h),
                ArchitectureGraph.swiGluOrExperts(w));
    }
}
