package exo.engine.ggml.graph;

import exo.engine.model.LayerTensors;
import java.lang.foreign.MemorySegment;

/**
 * llama.cpp b4916's {@code llm_build_llama} (llama and mistral files): grouped-query attention
 * with adjacent-pair rope (and Llama 3.1's rope frequency factors), then SwiGLU; or, in a file
 * with experts (Mixtral), softmax routing over all experts and the chosen ones renormalised.
 */
final class LlamaGraph implements ArchitectureGraph {
    @Override
    public MemorySegment layer(GraphBuilder g, int layer, LayerTensors<MemorySegment, MemorySegment, MemorySegment> w,
                               MemorySegment x, boolean prune) {
        return ArchitectureGraph.preNorm(g, w, x, prune, ArchitectureGraph.gqa(layer, w), ArchitectureGraph.swiGluOrExperts(w));
    }
}
