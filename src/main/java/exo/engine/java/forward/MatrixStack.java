package exo.engine.java.forward;

import java.util.List;

/**
 * {@code count} matrices of {@code rows x cols} stored back to back in one GGUF tensor (dims
 * {cols, rows, count}): a layer's experts, or latent attention's per-head projections. Each is a
 * view of its own byte range, read in place.
 */
public record MatrixStack(String name, List<Matrix> matrices) {

    public MatrixStack {
        matrices = List.copyOf(matrices);
    }

    public Matrix get(int i) {
        return matrices.get(i);
    }

    public int count() {
        return matrices.size();
    }
}
