package exo.engine.ggml.graph;

import exo.engine.model.LayerTensors;
import java.lang.foreign.MemorySegment;

/**
 * llama.cpp's {@code llm_build_glm4_moe} (August 2025) with b4916's ops: grouped-query attention
 * with Q/K/V biases, optional per-head Q/K norms and NeoX rope over part of each head; SwiGLU in
 * the leading dense layers, then sigmoid routing with the selection bias, normalised and scaled,
 * plus the shared expert. The file's next-token-prediction block is not a layer here.
 */
final class Glm4MoeGraph implements ArchitectureGraph {
    @Override
    public MemorySegment layer(GraphBuilder g, int layer, LayerTensors<MemorySegment, MemorySegment, MemorySegment> w,
                               MemorySegment x, boolean prune) {
        return ArchitectureGraph.preNorm(g, w, x, prune, ArchitectureGraph.gqa(layer, w), ArchitectureGraph.swiGluOrExperts(w));
    }
}
