package exo.engine.java.forward;

import exo.engine.java.tensor.Matmul;
import exo.engine.java.tensor.WeightTensor;

/** A weight matrix of {@code rows x cols} (GGUF dims {cols, rows}); y = W x. */
public record Matrix(String name, WeightTensor weights, int rows, int cols) {

    /** out[b * rows + r] = W[r] . x[b * cols ...] for each of {@code batch} rows of x. */
    public void apply(Matmul mm, float[] x, int batch, float[] out) {
        if (batch == 1) {
            mm.matvec(weights, rows, cols, x, 0, out, 0);
        } else {
            mm.matmul(weights, rows, cols, batch, x, out);
        }
    }

    /** out[outOffset + r] = W[r] . x[xOffset ...]: one vector. */
    public void apply(Matmul mm, float[] x, int xOffset, float[] out, int outOffset) {
        mm.matvec(weights, rows, cols, x, xOffset, out, outOffset);
    }
}
