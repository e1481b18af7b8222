package exo.engine.java;

import exo.engine.model.ModelConfig;

/**
 * Rotary position embedding as llama.cpp applies it: for pair i of the first {@code ropeDim}
 * dimensions of a head, angle = position x freqScale x theta^(-2i/ropeDim) / freqFactor[i],
 * rotating adjacent pairs (2i, 2i+1) for llama or pairs (i, i + ropeDim/2) for NeoX (Qwen).
 * Dimensions past ropeDim pass through unrotated.
 */
final class Rope {
    private final int headDim;
    private final int ropeDim;
    private final boolean neox;
    private final float[] inverseFrequency; // [ropeDim / 2]

    Rope(ModelConfig c, float[] freqFactors) {
        this.headDim = c.headDim();
        this.ropeDim = c.ropeDim();
        this.neox = c.neoxRope();
        this.inverseFrequency = new float[ropeDim / 2];
        for (int i = 0; i < ropeDim / 2; i++) {
            double f = Math.pow(c.ropeTheta(), -2.0 * i / ropeDim) * c.ropeFreqScale();
            inverseFrequency[i] = (float) (freqFactors == null ? f : f / freqFactors[i]);
        }
    }

    /** Rotates {@code heads} heads stored contiguously at x[off ...] for one position. */
    void apply(float[] x, int off, int heads, int position) {
        int half = ropeDim / 2;
        for (int i = 0; i < half; i++) {
            double angle = (double) position * inverseFrequency[i];
            float cos = (float) Math.cos(angle);
            float sin = (float) Math.sin(angle);
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
