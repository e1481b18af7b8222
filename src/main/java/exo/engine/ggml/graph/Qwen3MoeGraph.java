package exo.engine.ggml.graph;

import exo.engine.model.LayerTensors;
import java.lang.foreign.MemorySegment;

/**
 * llama.cpp's {@code llm_build_qwen3moe} (April 2025) with b4916's ops: Qwen3's attention
 * (per-head Q/K norms, NeoX rope), softmax routing with the chosen experts renormalised, no
 * shared expert.
 */
final class Qwen3MoeGraph implements ArchitectureGraph {
    @Override
    public MemorySegment layer(GraphBuilder g, int layer, LayerTensors<MemorySegment, MemorySegment, MemorySegment> w,
                               MemorySegment x, boolean prune) {
        return ArchitectureGraph.preNorm(g, w, x, prune, ArchitectureGraph.gqa(layer, w), ArchitectureGraph.experts(w));
    }
}
