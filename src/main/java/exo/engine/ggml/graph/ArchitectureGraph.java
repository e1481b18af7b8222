package exo.engine.ggml.graph;

import exo.engine.model.LayerTensors;
import exo.engine.model.ModelConfig;
import java.lang.foreign.MemorySegment;

/**
 * How one architecture's layers combine the shared blocks, as llama.cpp's {@code llm_build_*}
 * for it does. The head's output norm and matrix are the same for all and are not here.
 */
public interface ArchitectureGraph {

    /** The graph of {@code c}'s architecture. */
    static ArchitectureGraph of(ModelConfig c) {
        return switch (c.architecture()) {
            case LLAMA, MISTRAL -> new LlamaGraph();
            case QWEN2 -> new Qwen2Graph();
            case QWEN3 -> new Qwen3Graph();
            case QWEN2MOE -> new Qwen2MoeGraph();
            case QWEN3MOE -> new Qwen3MoeGraph();
            case DEEPSEEK2 -> new Deepseek2Graph();
            case GLM4MOE -> new Glm4MoeGraph();
            case GEMMA3 -> new Gemma3Graph();
        };
    }

    /** The token embeddings' rows [dim, n] as the first layer takes them. */
    default MemorySegment embed(GraphBuilder g, MemorySegment rows) {
        return rows;
    }

    /**
     * Layer {@code layer} (of the whole model) over x [dim, n].
     *
     * @param prune keep only the graph's output rows after attention (the model's last layer on a tail)
     */
    MemorySegment layer(GraphBuilder g, int layer, LayerTensors<MemorySegment, MemorySegment, MemorySegment> w,
                        MemorySegment x, boolean prune);

    /**
     * The layer every pre-norm architecture here shares: x + attention(norm(x)), then
     * + ffn(norm(.)), with the attention and feed-forward the architecture chose; the tail's
     * unused rows pruned after the attention, as llama.cpp prunes them.
     */
    static MemorySegment preNorm(GraphBuilder g, LayerTensors<MemorySegment, MemorySegment, MemorySegment> w,
                                 MemorySegment x, boolean prune, Block attention, Block ffn) {
        MemorySegment cur = g.prune(attention.apply(g, g.norm(x, w.attnNorm())), prune);
        GraphBuilder after = g.afterPrune(prune);
        MemorySegment ffnIn = after.add(cur, g.prune(x, prune));
        return after.add(ffn.apply(after, after.norm(ffnIn, w.ffnNorm())), ffnIn);
    }

    /** Grouped-query attention, for a layer that has it. */
    static Block gqa(int layer, LayerTensors<MemorySegment, MemorySegment, MemorySegment> w) {
        var attention = (LayerTensors.Gqa<MemorySegment, MemorySegment, MemorySegment>) w.attention();
        return (b, h) -> GqaAttention.build(b, layer, attention, h);
    }

    /** SwiGLU, for a dense layer. */
    static Block swiGlu(LayerTensors<MemorySegment, MemorySegment, MemorySegment> w) {
        var ffn = (LayerTensors.Dense<MemorySegment, MemorySegment, MemorySegment>) w.ffn();
        return (b, h) -> DenseFfn.build(b, ffn, h, DenseFfn.Activation.SILU);
    }

    /** Routed experts, for a layer that has them. */
    static Block experts(LayerTensors<MemorySegment, MemorySegment, MemorySegment> w) {
        var moe = (LayerTensors.Moe<MemorySegment, MemorySegment, MemorySegment>) w.ffn();
        return (b, h) -> MoeFfn.build(b, moe, h);
    }

    /** SwiGLU in a dense layer, routed experts in a layer that has them (leading dense layers, Mixtral). */
    static Block swiGluOrExperts(LayerTensors<MemorySegment, MemorySegment, MemorySegment> w) {
        return (b, h) -> switch (w.ffn()) {
            case LayerTensors.Dense<MemorySegment, MemorySegment, MemorySegment> d -> DenseFfn.build(b, d, h, DenseFfn.Activation.SILU);
            case LayerTensors.Moe<MemorySegment, MemorySegment, MemorySegment> m -> MoeFfn.build(b, m, h);
        };
    }

    /** A block over a normed input [dim, n], giving [dim, n]; {@code g} says n. */
    @FunctionalInterface
    interface Block {
        MemorySegment apply(GraphBuilder g, MemorySegment normed);
    }
}
