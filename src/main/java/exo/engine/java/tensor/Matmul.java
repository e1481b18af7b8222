package exo.engine.java.tensor;

import java.util.Objects;

/**
 * Matrix times vector(s) for a weight tensor read as a row-major {@code rows x cols} matrix:
 * row r is elements [r * cols, (r + 1) * cols). Rows are split over the pool in coarse chunks.
 */
public final class Matmul {

    /** Chunks per thread: enough to even out a thread that the OS delays, few enough to be cheap. */
    private static final int CHUNKS_PER_THREAD = 8;

    private Matmul() {
    }

    /** {@code out[outOffset + r] = W[r] . x[xOffset, xOffset + cols)} for r in [0, rows). */
    public static void matvec(WorkerPool pool, WeightTensor w, int rows, int cols, float[] x, int xOffset,
                              float[] out, int outOffset) {
        checkShape(w, rows, cols);
        Objects.checkFromIndexSize(xOffset, cols, x.length);
        Objects.checkFromIndexSize(outOffset, rows, out.length);
        pool.forRange(rows, chunk(pool, rows), (start, end) -> {
            for (int r = start; r < end; r++) {
                out[outOffset + r] = w.dot((long) r * cols, x, xOffset, cols);
            }
        });
    }

    /**
     * The batched form for prefill: {@code batch} activation rows, x row b at {@code b * cols},
     * and {@code out} row b at {@code b * rows}. Each weight row is read from memory once and
     * applied to every activation row while it is in cache.
     */
    public static void matmul(WorkerPool pool, WeightTensor w, int rows, int cols, int batch, float[] x,
                              float[] out) {
        checkShape(w, rows, cols);
        if (batch < 1) {
            throw new IllegalArgumentException("batch " + batch);
        }
        Objects.checkFromIndexSize(0, Math.multiplyExact(batch, cols), x.length);
        Objects.checkFromIndexSize(0, Math.multiplyExact(batch, rows), out.length);
        pool.forRange(rows, chunk(pool, rows), (start, end) -> {
            for (int r = start; r < end; r++) {
                long row = (long) r * cols;
                for (int b = 0; b < batch; b++) {
                    out[b * rows + r] = w.dot(row, x, b * cols, cols);
                }
            }
        });
    }

    private static int chunk(WorkerPool pool, int rows) {
        return Math.max(1, (rows + pool.threads() * CHUNKS_PER_THREAD - 1) / (pool.threads() * CHUNKS_PER_THREAD));
    }

    private static void checkShape(WeightTensor w, int rows, int cols) {
        if (rows < 1 || cols < 1 || (long) rows * cols != w.elements()) {
            throw new IllegalArgumentException("a " + rows + " x " + cols + " matrix does not fit a tensor of "
                    + w.elements() + " elements");
        }
    }
}
