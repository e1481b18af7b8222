package exo.engine.java.tensor;

import java.util.Objects;

/**
 * Activations quantized to 8 bits in blocks of 32, for integer dot products against Q8_0 and
 * Q4_0 weights (llama.cpp does the same: its vec_dot_type for both is Q8_0). Per block,
 * d = amax / 127 and q = round(x / d), as quantize_row_q8_0_ref, but d stays f32 where
 * llama.cpp rounds it to fp16: one rounding fewer.
 *
 * <p>Error: each activation moves by at most d / 2 = amax / 254 of its block, so a dot product
 * moves by at most sum over blocks of (amax_b / 254) * sum|w| in that block, a relative error
 * of order 0.2-0.4% for Gaussian-like activations, the same as llama.cpp's CPU path.
 *
 * <p>A reusable buffer, grown on demand; not thread-safe. Quants are kept widened to int16 so
 * that kernels load them straight into multiply lanes.
 */
public final class Q8Activation {

    short[] quants = new short[0];
    float[] scales = new float[0];
    /** Per block, the sum of its quants: lets Q4_0 kernels multiply unsigned nibbles (see there). */
    int[] sums = new int[0];
    private int length;

    /** Quantizes {@code n} values (a multiple of 32) of {@code x} from {@code xOffset}; replaces what was held. */
    public void quantize(float[] x, int xOffset, int n) {
        Objects.checkFromIndexSize(xOffset, n, x.length);
        if (n % 32 != 0) {
            throw new IllegalArgumentException("activations are quantized in blocks of 32, got " + n);
        }
        if (quants.length < n) {
            quants = new short[n];
            scales = new float[n / 32];
            sums = new int[n / 32];
        }
        for (int b = 0; b < n; b += 32) {
            float amax = 0f;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[xOffset + b + j]));
            }
            float d = amax / 127f;
            float id = d != 0f ? 1f / d : 0f;
            scales[b / 32] = d;
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                short q = (short) Quantizer.roundHalfAway(x[xOffset + b + j] * id);
                quants[b + j] = q;
                sum += q;
            }
            sums[b / 32] = sum;
        }
        length = n;
    }

    /** Values held. */
    public int length() {
        return length;
    }

    /** The dequantized value at {@code i}: what the integer kernels multiply by. */
    public float get(int i) {
        Objects.checkIndex(i, length);
        return scales[i / 32] * quants[i];
    }

    void checkRange(int offset, int n) {
        Objects.checkFromIndexSize(offset, n, length);
        if (offset % 32 != 0) {
            throw new IllegalArgumentException("activation offset " + offset + " is not at a block boundary");
        }
    }
}
