/**
 * The ggml graphs of one forward pass, built as llama.cpp builds them: shared blocks
 * ({@link exo.engine.ggml.graph.GqaAttention} and {@link exo.engine.ggml.graph.LatentAttention}
 * over the KV cache, {@link exo.engine.ggml.graph.DenseFfn} and {@link exo.engine.ggml.graph.MoeFfn}),
 * and one small class per architecture that says how its layers combine them
 * ({@link exo.engine.ggml.graph.ArchitectureGraph#of}), as llama.cpp's {@code src/models/} does.
 * Adding a family means adding one class here, its twin in {@code exo.engine.java.forward}, and
 * its keys in {@link exo.engine.model.ModelConfig}.
 */
package exo.engine.ggml.graph;
