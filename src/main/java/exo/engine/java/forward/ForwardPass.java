package exo.engine.java.forward;

import exo.engine.java.tensor.Matmul;
import exo.engine.java.tensor.WorkerPool;
import exo.engine.model.ModelConfig;

/**
 * One micro-batch's pass through a shard's layers: {@code rows} consecutive positions of one
 * session from {@code p0}, its cache, and the kernels every block uses. Activations are
 * row-major: row t of a [rows x width] array is position p0 + t.
 *
 * @param freqFactors Llama 3.1's rope frequency divisors, or null
 * @param first       the model's index of the shard's first layer (the cache's layer 0)
 */
public record ForwardPass(ModelConfig config, Matmul mm, WorkerPool pool, KvCache cache, int first, int p0, int rows,
                          float[] freqFactors) {

    /** RMS norm of each row of x (width n) times w, into a new array. */
    public float[] norm(float[] x, float[] w, int n) {
        float[] out = new float[x.length];
        normInto(x, w, n, out);
        return out;
    }

    /** RMS norm of each row of x (width n) times w, in place. */
    public void normInPlace(float[] x, float[] w, int n) {
        normInto(x, w, n, x);
    }

    private void normInto(float[] x, float[] w, int n, float[] out) {
        for (int r = 0; r < x.length / n; r++) {
            VectorOps.rmsNorm(x, r * n, w, config.normEps(), out, r * n, n);
        }
    }

    /** W x for each of the pass's rows of x: [rows x W.rows]. */
    public float[] project(Matrix w, float[] x) {
        float[] out = new float[rows * w.rows()];
        w.apply(mm, x, rows, out);
        return out;
    }

    /** x[r] += bias for each row, where there is a bias. */
    public static void addBias(float[] x, float[] bias) {
        if (bias == null) {
            return;
        }
        int n = bias.length;
        for (int r = 0; r < x.length / n; r++) {
            for (int i = 0; i < n; i++) {
                x[r * n + i] += bias[i];
            }
        }
    }

    /** Layer {@code layer}'s rotation (Gemma's local layers have their own base). */
    public Rope rope(int layer) {
        return new Rope(config.ropeFor(layer), freqFactors);
    }

    /** The cache's arrays of model layer {@code layer}. */
    public int cacheLayer(int layer) {
        return layer - first;
    }
}
