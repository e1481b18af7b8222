package exo.engine.java.tensor;

import exo.gguf.GgufFormatException;

import java.util.Objects;

/**
 * Matrix times vector(s) for a weight tensor read as a row-major {@code rows x cols} matrix:
 * row r is elements [r * cols, (r + 1) * cols). Rows are split over the pool in coarse chunks.
 *
 * <p>With {@link Activations#Q8}, a Q8_0 or Q4_0 matrix meets activations quantized once per
 * call to 8 bits ({@link Q8Activation}) in integer dot products, as llama.cpp computes; other
 * types (the K-quants among them), and {@link Activations#F32}, use f32 activations. One
 * instance per forward pass: it holds the quantized activations between calls and is not
 * thread-safe.
 */
public final class Matmul {

    /** How activations meet block-quantized weights. */
    public enum Activations {
        /** Exact f32 activations; each weight is widened to f32. */
        F32,
        /** Activations quantized to 8 bits per 32-block; integer products. Faster, ~0.3% error. */
        Q8
    }

    /** Chunks per thread: enough to even out a thread that the OS delays, few enough to be cheap. */
    private static final int CHUNKS_PER_THREAD = 8;

    private final WorkerPool pool;
    private final Activations activations;
    private final Q8Activation quantized = new Q8Activation();

    public Matmul(WorkerPool pool, Activations activations) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.activations = Objects.requireNonNull(activations, "activations");
    }

    public Activations activations() {
        return activations;
    }

    /** {@code out[outOffset + r] = W[r] . x[xOffset, xOffset + cols)} for r in [0, rows). */
    public void matvec(WeightTensor w, int rows, int cols, float[] x, int xOffset, float[] out, int outOffset) {
        checkShape(w, rows, cols);
        Objects.checkFromIndexSize(xOffset, cols, x.length);
        Objects.checkFromIndexSize(outOffset, rows, out.length);
        if (activations == Activations.Q8 && w instanceof QuantizedTensor q) {
            quantized.quantize(x, xOffset, cols);
            Q8Activation xq = quantized;
            pool.forRange(rows, chunk(rows), (start, end) -> {
                for (int r = start; r < end; r++) {
                    out[outOffset + r] = q.dotQ8((long) r * cols, xq, 0, cols);
                }
            });
        } else if (w instanceof QuantizedTensor q) {
            checkBlocks(q, cols);
            pool.forRange(rows, chunk(rows), (start, end) -> rowsF32(q, cols, start, end, x, xOffset, out, outOffset));
        } else if (w instanceof KQuantTensor k) {
            checkBlocks(k, cols);
            pool.forRange(rows, chunk(rows), (start, end) -> {
                for (int r = start; r < end; r++) {
                    out[outOffset + r] = dotK(k, (long) r * cols, x, xOffset, cols);
                }
            });
        } else {
            pool.forRange(rows, chunk(rows), (start, end) -> {
                for (int r = start; r < end; r++) {
                    out[outOffset + r] = w.dot((long) r * cols, x, xOffset, cols);
                }
            });
        }
    }

    /**
     * out[outOffset + r] = W[r] . x for r in [r0, r1), one row at a time: one linear stream of
     * weights, which DRAM prefetching serves better than several rows interleaved (measured:
     * four rows per call read 8 GB/s where one row reads 12).
     */
    private static void rowsF32(QuantizedTensor w, int cols, int r0, int r1, float[] x, int xOffset, float[] out,
                                int outOffset) {
        VectorWidth width = VectorWidth.PREFERRED;
        switch (w) {
            case Q8_0Tensor t -> {
                for (int r = r0; r < r1; r++) {
                    out[outOffset + r] = Q8_0Tensor.dot(width, t.data(), (long) r * cols, x, xOffset, cols);
                }
            }
            case Q4_0Tensor t -> {
                for (int r = r0; r < r1; r++) {
                    out[outOffset + r] = Q4_0Tensor.dot(width, t.data(), (long) r * cols, x, xOffset, cols);
                }
            }
        }
    }

    /**
     * out[b * rows + r] = W[r] . x[b * cols ..] for r in [r0, r1) and every b: each row meets
     * four x rows per kernel call, which unpacks its blocks once for the four.
     */
    private static void colsF32(QuantizedTensor w, int rows, int cols, int batch, int r0, int r1, float[] x,
                                float[] out) {
        VectorWidth width = VectorWidth.PREFERRED;
        for (int rb = r0; rb < r1; rb += ROW_BLOCK) {
            int re = Math.min(r1, rb + ROW_BLOCK);
            int b = 0;
            for (; b + 4 <= batch; b += 4) {
                for (int r = rb; r < re; r++) {
                    switch (w) {
                        case Q8_0Tensor t -> Q8_0Tensor.dotCols4(width, t.data(), (long) r * cols, x, b * cols, cols,
                                cols, out, b * rows + r, rows);
                        case Q4_0Tensor t -> Q4_0Tensor.dotCols4(width, t.data(), (long) r * cols, x, b * cols, cols,
                                cols, out, b * rows + r, rows);
                    }
                }
            }
            for (; b < batch; b++) {
                for (int r = rb; r < re; r++) {
                    out[b * rows + r] = switch (w) {
                        case Q8_0Tensor t -> Q8_0Tensor.dot(width, t.data(), (long) r * cols, x, b * cols, cols);
                        case Q4_0Tensor t -> Q4_0Tensor.dot(width, t.data(), (long) r * cols, x, b * cols, cols);
                    };
                }
            }
        }
    }

    /**
     * Rows per block of the batched loop: a block's weights (16 rows, 35-140 KB) stay in L2
     * while every group of four x rows passes over them. Measured on a 64-row batch, 1, 4, 16
     * and 64 all ran within noise of each other: the kernel, not the cache, sets the pace.
     */
    private static final int ROW_BLOCK = 16;

    private static void checkBlocks(WeightTensor w, int cols) {
        int block = w.type().blockSize();
        if (cols % block != 0) {
            throw new GgufFormatException(w.type() + " rows must be whole blocks of " + block + ", got " + cols);
        }
    }

    /** One row of a K-quant matrix against f32 activations, at the preferred width. */
    private static float dotK(KQuantTensor w, long offset, float[] x, int xOffset, int cols) {
        return KQuantTensor.dot(VectorWidth.PREFERRED, w, offset, x, xOffset, cols);
    }

    /**
     * The batched loop of {@link #colsF32} for K-quants, one x row per kernel call: rows in
     * blocks of {@link #ROW_BLOCK} so that a block's weights stay in cache across the batch.
     */
    private static void colsK(KQuantTensor w, int rows, int cols, int batch, int r0, int r1, float[] x,
                              float[] out) {
        for (int rb = r0; rb < r1; rb += ROW_BLOCK) {
            int re = Math.min(r1, rb + ROW_BLOCK);
            for (int b = 0; b < batch; b++) {
                for (int r = rb; r < re; r++) {
                    out[b * rows + r] = dotK(w, (long) r * cols, x, b * cols, cols);
                }
            }
        }
    }

    /**
     * The batched form for prefill: {@code batch} activation rows, x row b at {@code b * cols},
     * and {@code out} row b at {@code b * rows}. Each weight row is read from memory once and
     * applied to every activation row while it is in cache.
     */
    public void matmul(WeightTensor w, int rows, int cols, int batch, float[] x, float[] out) {
        checkShape(w, rows, cols);
        if (batch < 1) {
            throw new IllegalArgumentException("batch " + batch);
        }
        Objects.checkFromIndexSize(0, Math.multiplyExact(batch, cols), x.length);
        Objects.checkFromIndexSize(0, Math.multiplyExact(batch, rows), out.length);
        if (activations == Activations.Q8 && w instanceof QuantizedTensor q) {
            // cols is a whole number of blocks, so no block straddles two activation rows.
            quantized.quantize(x, 0, batch * cols);
            Q8Activation xq = quantized;
            pool.forRange(rows, chunk(rows), (start, end) -> {
                for (int r = start; r < end; r++) {
                    long row = (long) r * cols;
                    for (int b = 0; b < batch; b++) {
                        out[b * rows + r] = q.dotQ8(row, xq, b * cols, cols);
                    }
                }
            });
        } else if (w instanceof QuantizedTensor q) {
            checkBlocks(q, cols);
            pool.forRange(rows, chunk(rows), (start, end) -> colsF32(q, rows, cols, batch, start, end, x, out));
        } else if (w instanceof KQuantTensor k) {
            checkBlocks(k, cols);
            pool.forRange(rows, chunk(rows), (start, end) -> colsK(k, rows, cols, batch, start, end, x, out));
        } else {
            pool.forRange(rows, chunk(rows), (start, end) -> {
                for (int r = start; r < end; r++) {
                    long row = (long) r * cols;
                    for (int b = 0; b < batch; b++) {
                        out[b * rows + r] = w.dot(row, x, b * cols, cols);
                    }
                }
            });
        }
    }

    private int chunk(int rows) {
        int chunks = pool.threads() * CHUNKS_PER_THREAD;
        return Math.max(1, (rows + chunks - 1) / chunks);
    }

    private static void checkShape(WeightTensor w, int rows, int cols) {
        if (rows < 1 || cols < 1 || (long) rows * cols != w.elements()) {
            throw new IllegalArgumentException("a " + rows + " x " + cols + " matrix does not fit a tensor of "
                    + w.elements() + " elements");
        }
    }
}
