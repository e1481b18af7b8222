package exo.engine.java.forward;

import exo.engine.model.LayerTensors;
import exo.engine.model.ModelConfig;

/**
 * How one architecture's layers combine the shared blocks; the Java twin of
 * {@code exo.engine.ggml.graph.ArchitectureGraph}, one class per architecture as there.
 */
public interface ArchitectureForward {

    static ArchitectureForward of(ModelConfig c) {
        return switch (c.architecture()) {
            case LLAMA, MISTRAL -> new LlamaForward();
            case QWEN2 -> new Qwen2Forward();
            case QWEN3 -> new Qwen3Forward();
            case QWEN2MOE -> new Qwen2MoeForward();
            case QWEN3MOE -> new Qwen3MoeForward();
            case DEEPSEEK2 -> new Deepseek2Forward();
            case GLM4MOE -> new Glm4MoeForward();
            case GEMMA3 -> new Gemma3Forward();
        };
    }

    /** The token embeddings' rows [rows x dim] as the first layer takes them, in place. */
    default void embed(ModelConfig c, float[] rows) {
    }

    /** Layer {@code layer} (of the whole model) over x [rows x dim], in place. */
    void layer(ForwardPass f, int layer, LayerTensors<Matrix, float[], MatrixStack> w, float[] x);

    /** x += attention(norm(x)); x += ffn(norm(x)): the pre-norm layer of every architecture here but Gemma. */
    static void preNorm(ForwardPass f, LayerTensors<Matrix, float[], MatrixStack> w, float[] x, Block attention,
                        Block ffn) {
        int dim = f.config().dim();
        VectorOps.add(attention.apply(f.norm(x, w.attnNorm(), dim)), x, x.length);
        VectorOps.add(ffn.apply(f.norm(x, w.ffnNorm(), dim)), x, x.length);
    }

    /** The feed-forward a layer has: its dense SwiGLU or its experts. */
    static float[] ffn(ForwardPass f, LayerTensors<Matrix, float[], MatrixStack> w, float[] normed) {
        return switch (w.ffn()) {
            case LayerTensors.Dense<Matrix, float[], MatrixStack> d ->
                    DenseFfn.forward(f, d, normed, DenseFfn.Activation.SILU);
            case LayerTensors.Moe<Matrix, float[], MatrixStack> m -> MoeFfn.forward(f, m, normed);
        };
    }

    /** A block over normed rows [rows x dim], giving [rows x dim]. */
    @FunctionalInterface
    interface Block {
        float[] apply(float[] normed);
    }
}
