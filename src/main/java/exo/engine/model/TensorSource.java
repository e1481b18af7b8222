package exo.engine.model;

/**
 * Where an engine makes its own tensor objects from a GGUF file's tensors, each checked against
 * the shape the model needs ({@link ModelTensors} does the checking; the engine chooses the
 * representation: ggml tensor headers, Java matrices).
 *
 * @param <M> a matrix of rows x cols (GGUF dims {cols, rows})
 * @param <V> a vector (norm weights, biases), always F32
 * @param <S> a stack of {@code count} matrices of rows x cols (GGUF dims {cols, rows, count}):
 *            a layer's experts, or latent attention's per-head projections
 */
public interface TensorSource<M, V, S> {
    M matrix(String name, int rows, int cols);

    V vector(String name, int n);

    S stack(String name, int rows, int cols, int count);

    /** Whether the file has tensor {@code name} (for the optional ones). */
    boolean has(String name);
}
