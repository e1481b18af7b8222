package exo.engine.java.tensor;

import exo.gguf.GgmlType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WeightTensorDotTest {

    static Stream<Arguments> typesAndWidths() {
        List<Arguments> cases = new ArrayList<>();
        for (GgmlType type : TestTensors.COMPUTABLE) {
            for (VectorWidth width : VectorWidth.all()) {
                cases.add(Arguments.of(type, width));
            }
        }
        return cases.stream();
    }

    static Stream<GgmlType> types() {
        return Stream.of(TestTensors.COMPUTABLE);
    }

    /** Lengths that are no multiple of any vector length (but whole blocks for quantized types). */
    private static int[] lengths(GgmlType type) {
        return type.blockSize() == 1
                ? new int[] {1, 3, 7, 17, 31, 33, 100, 257, 1000, 2051}
                : new int[] {32, 96, 160, 224, 480, 1056, 2080};
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("typesAndWidths")
    void vectorDotMatchesScalarTwin(GgmlType type, VectorWidth width) {
        Random random = new Random(type.id() * 31L + width.species().floats().vectorBitSize());
        try (Arena arena = Arena.ofConfined()) {
            for (int n : lengths(type)) {
                int rows = 3;
                WeightTensor w = TestTensors.encode(arena, type, TestTensors.gaussian(random, rows * n, 0.05f));
                int xOffset = 5;
                float[] x = TestTensors.gaussian(random, n + xOffset + 2, 1f);
                for (int row = 0; row < rows; row++) {
                    long offset = (long) row * n;
                    float expected = w.dotScalar(offset, x, xOffset, n);
                    double tolerance = TestTensors.tolerance(w, offset, x, xOffset, n);
                    assertEquals(expected, TestTensors.dotAt(width, w, offset, x, xOffset, n), tolerance,
                            type + " n=" + n + " row " + row + " at " + width);
                    assertEquals(expected, w.dot(offset, x, xOffset, n), tolerance,
                            type + " n=" + n + " row " + row + " at the preferred width");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void scalarTwinMatchesDequantizedSum(GgmlType type) {
        Random random = new Random(7);
        int n = 320;
        try (Arena arena = Arena.ofConfined()) {
            WeightTensor w = TestTensors.encode(arena, type, TestTensors.gaussian(random, 2 * n, 0.1f));
            float[] x = TestTensors.gaussian(random, n, 1f);
            float[] row = new float[n];
            w.dequantize(n, row, 0, n);
            double exact = 0;
            for (int i = 0; i < n; i++) {
                assertEquals(w.get(n + i), row[i], 0f, "dequantize vs get at " + i);
                exact += (double) row[i] * x[i];
            }
            assertEquals(exact, w.dotScalar(n, x, 0, n), TestTensors.tolerance(w, n, x, 0, n));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void rejectsRangesOutsideTheTensor(GgmlType type) {
        try (Arena arena = Arena.ofConfined()) {
            WeightTensor w = TestTensors.encode(arena, type, new float[64]);
            float[] x = new float[128];
            assertThrows(IndexOutOfBoundsException.class, () -> w.dot(32, x, 0, 64));
            assertThrows(IndexOutOfBoundsException.class, () -> w.dot(0, x, 100, 64));
            if (type.blockSize() > 1) {
                assertThrows(IllegalArgumentException.class, () -> w.dot(16, x, 0, 32));
                assertThrows(IllegalArgumentException.class, () -> w.dot(0, x, 0, 48));
            }
        }
    }
}
