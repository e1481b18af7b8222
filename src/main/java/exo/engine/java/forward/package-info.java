/**
 * The Java engine's forward pass, the portable twin of {@code exo.engine.ggml.graph}: shared
 * blocks ({@link exo.engine.java.forward.GqaAttention}, {@link exo.engine.java.forward.LatentAttention},
 * {@link exo.engine.java.forward.DenseFfn}, {@link exo.engine.java.forward.MoeFfn}) and one class per
 * architecture ({@link exo.engine.java.forward.ArchitectureForward#of}). Every output element is
 * computed by one thread in a fixed order, so slices of a model give the whole model's bits.
 */
package exo.engine.java.forward;
