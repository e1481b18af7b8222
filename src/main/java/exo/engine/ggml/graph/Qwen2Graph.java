package exo.engine.ggml.graph;

import exo.engine.model.LayerTensors;
import java.lang.foreign.MemorySegment;

/** b4916's {@code llm_build_qwen2}: llama's layer with Q/K/V biases and NeoX rope. */
final class Qwen2Graph implements ArchitectureGraph {
    @Override
    public MemorySegment layer(GraphBuilder g, int layer, LayerTensors<MemorySegment, MemorySegment, MemorySegment> w,
                               MemorySegment x, boolean prune) {
        return ArchitectureGraph.preNorm(g, w, x, prune, ArchitectureGraph.gqa(layer, w), ArchitectureGraph.swiGlu(w));
    }
}
