package exo.engine.java.forward;

import exo.engine.model.RopeConfig;

/**
 * Rotary position embedding as ggml's {@code rope_f32} applies it: for pair i of the first
 * {@code dims} dimensions of a head, angle = position x base^(-2i/dims) / freqFactor[i],
 * interpolated by freqScale, with YaRN's ramp between interpolated and extrapolated angles and
 * its magnitude factor when the config asks for it; adjacent pairs (2i, 2i+1) for llama, pairs
 * (i, i + dims/2) for NeoX. Dimensions past {@code dims} pass through.
 */
public final class Rope {
    private final int dims;
    private final boolean neox;
    private final float freqScale;
    private final float extFactor;
    private final float attnFactor;
    private final double[] thetaScale;  // [dims / 2]: base^(-2i/dims) / freqFactor[i]
    private final float low;
    private final float high;

    /**
     * @param attnFactor  the magnitude factor passed to ggml (DeepSeek passes its own)
     * @param freqFactors Llama 3.1's per-pair divisors, or null
     */
    public Rope(RopeConfig c, float attnFactor, float[] freqFactors) {
        this.dims = c.dims();
        this.neox = c.neox();
        this.freqScale = c.freqScale();
        this.extFactor = c.extFactor();
        this.attnFactor = attnFactor;
        this.thetaScale = new double[dims / 2];
        for (int i = 0; i < dims / 2; i++) {
            double f = Math.pow(c.base(), -2.0 * i / dims);
            thetaScale[i] = freqFactors == null ? f : f / freqFactors[i];
        }
        // ggml_rope_yarn_corr_dims: where the ramp between extrapolation and interpolation starts and ends.
        this.low = (float) Math.max(0, Math.floor(correctionDim(c, c.betaFast())));
        this.high = (float) Math.min(dims - 1, Math.ceil(correctionDim(c, c.betaSlow())));
    }

    public Rope(RopeConfig c, float[] freqFactors) {
        this(c, c.attnFactor(), freqFactors);
    }

    private static double correctionDim(RopeConfig c, float beta) {
        return c.dims() * Math.log(c.originalContext() / (beta * 2 * Math.PI)) / (2 * Math.log(c.base()));
    }

    /** Rotates {@code heads} heads of {@code headDim} stored contiguously at x[off ...] for one position. */
    public void apply(float[] x, int off, int heads, int headDim, int position) {
        int half = dims / 2;
        for (int i = 0; i < half; i++) {
            double extrapolated = position * thetaScale[i];
            double theta = freqScale * extrapolated;
            double magnitude = attnFactor;
            if (extFactor != 0) {
                double y = (i - low) / Math.max(0.001, high - low);
                double ramp = (1 - Math.min(1, Math.max(0, y))) * extFactor;
                theta = theta * (1 - ramp) + extrapolated * ramp;
                magnitude *= 1 + 0.1 * Math.log(1.0 / freqScale);
            }
            float cos = (float) (Math.cos(theta) * magnitude);
            float sin = (float) (Math.sin(theta) * magnitude);
            int a = neox ? i : 2 * i;
            int b = neox ? i + half : 2 * i + 1;
            for (int h = 0; h < heads; h++) {
                int base = off + h * headDim;
                float x0 = x[base + a];
                float x1 = x[base + b];
                x[base + a] = x0 * cos - x1 * sin;
                x[base + b] = x0 * sin + x1 * cos;
            }
        }
    }
}
