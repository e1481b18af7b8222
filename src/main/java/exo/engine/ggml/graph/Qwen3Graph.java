package exo.engine.ggml.graph;

import exo.engine.model.LayerTensors;
import java.lang.foreign.MemorySegment;

/** llama.cpp's {@code llm_build_qwen3}: Qwen2's layer without biases, with per-head Q/K RMS norms before rope. */
final class Qwen3Graph implements ArchitectureGraph {
    @Override
    public MemorySegment layer(GraphBuilder g, int layer, LayerTensors<MemorySegment, MemorySegment, MemorySegment> w,
                               MemorySegment x, boolean prune) {
        return ArchitectureGraph.preNorm(g, w, x, prune, ArchitectureGraph.gqa(layer, w), ArchitectureGraph.swiGlu(w));
    }
}
