package exo.engine.java.tensor;

import exo.gguf.GgmlType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The integer (Q8 activation) kernels against their scalar twins at every width, and their accuracy. */
class IntegerDotTest {

    static Stream<Arguments> typesAndWidths() {
        List<Arguments> cases = new ArrayList<>();
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0}) {
            for (VectorWidth width : VectorWidth.all()) {
                cases.add(Arguments.of(type, width));
            }
        }
        return cases.stream();
    }

    private static float dotQ8At(VectorWidth width, QuantizedTensor w, long offset, Q8Activation x, int xOffset,
                                 int n) {
        return switch (w) {
            case Q8_0Tensor t -> Q8_0Tensor.dotQ8(width, t.data(), offset, x.quants, x.scales, xOffset, n);
            case Q4_0Tensor t -> Q4_0Tensor.dotQ8(width, t.data(), offset, x.quants, x.scales, x.sums, xOffset, n);
        };
    }

    /**
     * Block sums are exact integers on both sides; only the f32 sum of scaled block sums differs
     * in order, so the bound of {@link TestTensors#tolerance} over the quantized activations holds.
     */
    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("typesAndWidths")
    void vectorMatchesScalarTwin(GgmlType type, VectorWidth width) {
        Random random = new Random(type.id() * 17L + width.species().floats().vectorBitSize());
        try (Arena arena = Arena.ofConfined()) {
            for (int n : new int[] {32, 64, 96, 160, 480, 2080}) {
                QuantizedTensor w = (QuantizedTensor) TestTensors.encode(arena, type,
                        TestTensors.gaussian(random, 3 * n, 0.05f));
                Q8Activation x = new Q8Activation();
                x.quantize(TestTensors.gaussian(random, n + 64, 1f), 0, n + 64);
                float[] xf = new float[n + 64];
                for (int i = 0; i < xf.length; i++) {
                    xf[i] = x.get(i);
                }
                for (int row = 0; row < 3; row++) {
                    long offset = (long) row * n;
                    float expected = w.dotQ8Scalar(offset, x, 32, n);
                    double tolerance = TestTensors.tolerance(w, offset, xf, 32, n);
                    assertEquals(expected, dotQ8At(width, w, offset, x, 32, n), tolerance,
                            type + " n=" + n + " row " + row + " at " + width);
                    assertEquals(expected, w.dotQ8(offset, x, 32, n), tolerance, type + " preferred width");
                    // The same numbers through the f32 kernel: the integer path changes the order only.
                    assertEquals(expected, w.dotScalar(offset, xf, 32, n), tolerance, type + " f32 twin");
                }
            }
        }
    }

    /** Extreme quants: Q8_0 weights of -128 against activations of +-127 must not overflow int16 sums. */
    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("typesAndWidths")
    void extremeQuantsDoNotOverflow(GgmlType type, VectorWidth width) {
        int n = 64;
        byte[] bytes = new byte[(int) type.byteSize(n)];
        for (int b = 0; b < n / 32; b++) {
            int at = b * type.bytesPerBlock();
            bytes[at + 1] = 0x3C;  // d = 1.0
            for (int j = 2; j < type.bytesPerBlock(); j++) {
                bytes[at + j] = type == GgmlType.Q8_0 ? (byte) -128 : 0;  // Q4_0: quant 0 - 8 = -8
            }
        }
        QuantizedTensor w = (QuantizedTensor) WeightTensor.of(type, MemorySegment.ofArray(bytes), n);
        float[] xf = new float[n];
        java.util.Arrays.fill(xf, -1f);
        Q8Activation x = new Q8Activation();
        x.quantize(xf, 0, n);
        float perWeight = type == GgmlType.Q8_0 ? 128f : 8f;
        assertEquals(perWeight * n, dotQ8At(width, w, 0, x, 0, n), 1e-3f * perWeight * n);
        assertEquals(perWeight * n, w.dotQ8Scalar(0, x, 0, n), 1e-3f * perWeight * n);
    }

    /** Activation quantization error: at most half a step, d / 2 = amax / 254, per value. */
    @Test
    void activationQuantizationIsWithinHalfAStep() {
        float[] xf = TestTensors.gaussian(new Random(3), 320, 2f);
        Q8Activation x = new Q8Activation();
        x.quantize(xf, 0, xf.length);
        for (int b = 0; b < xf.length; b += 32) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(xf[b + j]));
            }
            for (int j = 0; j < 32; j++) {
                assertEquals(xf[b + j], x.get(b + j), amax / 254.0 * 1.0001, "at " + (b + j));
            }
        }
    }

    @Test
    void rejectsMisalignedActivations() {
        Q8Activation x = new Q8Activation();
        assertThrows(IllegalArgumentException.class, () -> x.quantize(new float[40], 0, 40));
        x.quantize(new float[64], 0, 64);
        QuantizedTensor w = (QuantizedTensor) WeightTensor.of(GgmlType.Q8_0, MemorySegment.ofArray(new byte[34]), 32);
        assertThrows(IllegalArgumentException.class, () -> w.dotQ8(0, x, 16, 32));
        assertThrows(IndexOutOfBoundsException.class, () -> w.dotQ8(0, x, 64, 32));
    }
}
