package exo.engine.ggml.graph;

import exo.engine.model.LayerTensors;
import java.lang.foreign.MemorySegment;

/**
 * b4916's {@code llm_build_qwen2moe}: Qwen2's attention (biases, NeoX rope); softmax routing
 * without renormalisation, plus a shared expert gated by sigmoid(gate_inp_shexp . x).
 */
final class Qwen2MoeGraph implements ArchitectureGraph {
    @Override
    public MemorySegment layer(GraphBuilder g, int layer, LayerTensors<MemorySegment, MemorySegment, MemorySegment> w,
                               MemorySegment x, boolean prune) {
        return ArchitectureGraph.preNorm(g, w, x, prune, ArchitectureGraph.gqa(layer, w), ArchitectureGraph.experts(w));
    }
}
