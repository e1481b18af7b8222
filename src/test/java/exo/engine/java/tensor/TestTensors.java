package exo.engine.java.tensor;

import exo.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/** Random weights and activations, encoded the way a GGUF file holds them. */
final class TestTensors {
    static final GgmlType[] COMPUTABLE = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0};

    private TestTensors() {
    }

    static float[] gaussian(Random random, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian() * scale;
        }
        return v;
    }

    /**
     * Encodes into native memory at an odd byte offset within the segment, as a mapped file
     * would hand a tensor out at any offset, then slices it so the tensor sees only its bytes.
     */
    static WeightTensor encode(Arena arena, GgmlType type, float[] values) {
        byte[] bytes = Quantizer.encode(type, values);
        MemorySegment whole = arena.allocate(bytes.length + 3L, 1);
        MemorySegment slice = whole.asSlice(3, bytes.length);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, slice, 0, bytes.length);
        return WeightTensor.of(type, slice, values.length);
    }

    /** The vector kernel of {@code w}'s type at an explicit width. */
    static float dotAt(VectorWidth width, WeightTensor w, long offset, float[] x, int xOffset, int n) {
        return switch (w) {
            case F32Tensor t -> F32Tensor.dot(width, t.data(), offset, x, xOffset, n);
            case HalfTensor t -> t.dot(width, offset, x, xOffset, n);
            case Q8_0Tensor t -> Q8_0Tensor.dot(width, t.data(), offset, x, xOffset, n);
            case Q4_0Tensor t -> Q4_0Tensor.dot(width, t.data(), offset, x, xOffset, n);
            case Q2_KTensor t -> Q2_KTensor.dot(width, t.data(), offset, x, xOffset, n);
            case Q3_KTensor t -> Q3_KTensor.dot(width, t.data(), offset, x, xOffset, n);
            case Q4_KTensor t -> Q4_KTensor.dot(width, t.data(), offset, x, xOffset, n);
            case Q5_KTensor t -> Q5_KTensor.dot(width, t.data(), offset, x, xOffset, n);
            case Q6_KTensor t -> Q6_KTensor.dot(width, t.data(), offset, x, xOffset, n);
            case SmallBlockTensor t -> t.dot(offset, x, xOffset, n); // no vector kernel of its own
        };
    }

    /**
     * How far two f32 sums of the same n products, taken in different orders, may drift apart.
     * Each differs from the exact sum by at most (longest chain of dependent adds) * eps *
     * sum|w x|; the scalar twins chain at most 32 + n / 32 adds (per block, then across blocks)
     * or n for plain floats, the vector kernels fewer. Both ways are bounded by 2 n eps.
     */
    static double tolerance(WeightTensor w, long offset, float[] x, int xOffset, int n) {
        double magnitude = 0;
        for (int i = 0; i < n; i++) {
            magnitude += Math.abs((double) w.get(offset + i) * x[xOffset + i]);
        }
        return 2.0 * Math.max(n, 32) * Math.ulp(1.0f) * magnitude + 1e-30;
    }
}
