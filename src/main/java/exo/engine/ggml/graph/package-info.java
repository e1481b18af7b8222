/**
 * The ggml graphs of one forward pass, built as llama.cpp builds them: shared blocks (grouped-query
 * and latent attention over the KV cache, dense and mixture-of-experts feed-forwards) in
 * {@link exo.engine.ggml.graph.Blocks}' classes, and one small class per architecture that says how
 * its layers combine them ({@link exo.engine.ggml.graph.ArchitectureGraph#of}), as llama.cpp's
 * {@code src/models/} does. Adding a family means adding one class here (and its Java twin).
 */
package exo.engine.ggml.graph;
