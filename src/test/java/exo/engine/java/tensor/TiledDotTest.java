package exo.engine.java.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The batched kernels (one weight row against four x rows) give, for each x row, the very float
 * of the one-row kernel at the same width: batched prefill and token-by-token decode agree bit
 * for bit only if they do.
 */
class TiledDotTest {

    static Stream<Arguments> typesAndWidths() {
        List<Arguments> cases = new ArrayList<>();
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0}) {
            for (VectorWidth width : VectorWidth.all()) {
                cases.add(Arguments.of(type, width));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("typesAndWidths")
    void fourColumnsEqualOneAtATime(GgmlType type, VectorWidth width) {
        Random random = new Random(type.id() * 31L + width.species().floats().vectorBitSize());
        try (Arena arena = Arena.ofConfined()) {
            for (int n : new int[] {32, 64, 160, 2080}) {
                WeightTensor w = TestTensors.encode(arena, type, TestTensors.gaussian(random, 3 * n, 0.05f));
                int xStride = n + 32;
                float[] x = TestTensors.gaussian(random, 32 + 4 * xStride, 1f);
                float[] out = new float[2 + 4 * 5];
                for (int row = 0; row < 3; row++) {
                    long offset = (long) row * n;
                    switch (w) {
                        case Q8_0Tensor t -> Q8_0Tensor.dotCols4(width, t.data(), offset, x, 32, xStride, n, out, 2, 5);
                        case Q4_0Tensor t -> Q4_0Tensor.dotCols4(width, t.data(), offset, x, 32, xStride, n, out, 2, 5);
                        default -> throw new AssertionError(w);
                    }
                    for (int k = 0; k < 4; k++) {
                        float one = switch (w) {
                            case Q8_0Tensor t -> Q8_0Tensor.dot(width, t.data(), offset, x, 32 + k * xStride, n);
                            case Q4_0Tensor t -> Q4_0Tensor.dot(width, t.data(), offset, x, 32 + k * xStride, n);
                            default -> throw new AssertionError(w);
                        };
                        assertEquals(Float.floatToRawIntBits(one), Float.floatToRawIntBits(out[2 + 5 * k]),
                                type + " n=" + n + " row " + row + " x " + k + " at " + width);
                    }
                }
            }
        }
    }
}
