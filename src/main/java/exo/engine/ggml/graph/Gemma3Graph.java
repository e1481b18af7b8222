package exo.engine.ggml.graph;

import exo.engine.model.LayerTensors;
import java.lang.foreign.MemorySegment;

/**
 * b4916's {@code llm_build_gemma3}: token embeddings scaled by sqrt(dim); attention with per-head
 * Q/K norms, NeoX rope at the layer's own base, the sliding-window mask on five layers of six,
 * and its output normed before the residual add; GeGLU, its output normed too.
 */
final class Gemma3Graph implements ArchitectureGraph {
    @Override
    public MemorySegment embed(GraphBuilder g, MemorySegment rows) {
        return g.ops().ggml_scale(g.ctx(), rows, g.config().embeddingScale());
    }

    @Override
    public MemorySegment layer(GraphBuilder g, int layer, LayerTensors<MemorySegment, MemorySegment, MemorySegment> w,
                               MemorySegment x, boolean prune) {
        var attention = (LayerTensors.Gqa<MemorySegment, MemorySegment, MemorySegment>) w.attention();
        var ffn = (LayerTensors.Dense<MemorySegment, MemorySegment, MemorySegment>) w.ffn();
        MemorySegment cur = GqaAttention.build(g, layer, attention, g.norm(x, w.attnNorm()));
        cur = g.prune(g.norm(cur, w.attnPostNorm()), prune);
        GraphBuilder after = g.afterPrune(prune);
        MemorySegment attended = after.add(cur, g.prune(x, prune));
        cur = DenseFfn.build(after, ffn, after.norm(attended, w.ffnNorm()), DenseFfn.Activation.GELU);
        return after.add(after.norm(cur, w.ffnPostNorm()), attended);
    }
}
