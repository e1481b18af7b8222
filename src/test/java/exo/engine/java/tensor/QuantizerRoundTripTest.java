package exo.engine.java.tensor;

import exo.gguf.GgmlType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Encode then decode stays within each format's error bound. */
class QuantizerRoundTripTest {

    private static final int N = 32 * 64;

    private static float[] data() {
        float[] x = TestTensors.gaussian(new Random(11), N, 1f);
        x[5] = 0f;
        for (int j = 64; j < 96; j++) {
            x[j] = 0f;  // an all-zero block: d = 0, every quant must decode to 0
        }
        x[200] = 1e-9f;
        return x;
    }

    @Test
    void f16IsNearestRepresentable() {
        float[] x = data();
        try (Arena arena = Arena.ofConfined()) {
            WeightTensor w = TestTensors.encode(arena, GgmlType.F16, x);
            for (int i = 0; i < N; i++) {
                // Relative half-ulp of binary16 (11-bit significand) for normals; 2^-25 absolute below.
                double bound = Math.max(Math.abs(x[i]) * 0x1p-11, 0x1p-25);
                assertEquals(x[i], w.get(i), bound, "at " + i);
            }
        }
    }

    @Test
    void bf16IsNearestRepresentable() {
        float[] x = data();
        try (Arena arena = Arena.ofConfined()) {
            WeightTensor w = TestTensors.encode(arena, GgmlType.BF16, x);
            for (int i = 0; i < N; i++) {
                assertEquals(x[i], w.get(i), Math.abs(x[i]) * 0x1p-8, "at " + i);
            }
        }
        assertEquals((short) 0x3F80, Half.floatToBf16(1f));
        assertEquals((short) 0x3F80, Half.floatToBf16(Float.intBitsToFloat(0x3F808000))); // tie to even
        assertEquals((short) 0x3F82, Half.floatToBf16(Float.intBitsToFloat(0x3F818000))); // tie to even, up
        assertTrue(Float.isNaN(Half.bf16ToFloat(Half.floatToBf16(Float.NaN))));
    }

    /**
     * |x - d16 q| <= |x - d q| + |d - d16| |q| <= d / 2 + (d 2^-11) 127, where d = amax / 127 and
     * d16 is d rounded to fp16 (relative error 2^-11).
     */
    @Test
    void q8_0ErrorIsHalfAStepPlusScaleRounding() {
        float[] x = data();
        try (Arena arena = Arena.ofConfined()) {
            WeightTensor w = TestTensors.encode(arena, GgmlType.Q8_0, x);
            for (int b = 0; b < N / 32; b++) {
                float amax = 0;
                for (int j = 0; j < 32; j++) {
                    amax = Math.max(amax, Math.abs(x[b * 32 + j]));
                }
                double d = amax / 127.0;
                double bound = d * (0.5 + 127 * 0x1p-11) + 1e-12;
                for (int j = 0; j < 32; j++) {
                    int i = b * 32 + j;
                    assertEquals(x[i], w.get(i), bound, "at " + i);
                }
            }
        }
    }

    /**
     * Steps are |d| = amax / 8. The extreme value maps exactly to quant 0; values on the other
     * side reach at most quant 15, so up to amax itself is off by one step; everything else by at
     * most half a step. fp16 rounding of d adds up to 2^-11 per step for 8 steps.
     */
    @Test
    void q4_0ErrorIsAtMostOneStep() {
        float[] x = data();
        try (Arena arena = Arena.ofConfined()) {
            WeightTensor w = TestTensors.encode(arena, GgmlType.Q4_0, x);
            for (int b = 0; b < N / 32; b++) {
                float amax = 0;
                for (int j = 0; j < 32; j++) {
                    amax = Math.max(amax, Math.abs(x[b * 32 + j]));
                }
                double step = amax / 8.0;
                for (int j = 0; j < 32; j++) {
                    int i = b * 32 + j;
                    boolean clamped = Math.abs(x[i]) > 7.5 * step;
                    double bound = step * ((clamped ? 1.0 : 0.5) + 8 * 0x1p-11) + 1e-12;
                    assertEquals(x[i], w.get(i), bound, "at " + i);
                }
            }
        }
    }
}
