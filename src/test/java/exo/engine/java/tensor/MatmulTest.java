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

/** Parallel and batched matmul against a one-thread loop over the scalar twins. */
class MatmulTest {

    static Stream<Arguments> typesAndModes() {
        List<Arguments> cases = new ArrayList<>();
        for (GgmlType type : TestTensors.COMPUTABLE) {
            for (Matmul.Activations mode : Matmul.Activations.values()) {
                cases.add(Arguments.of(type, mode));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} with {1} activations")
    @MethodSource("typesAndModes")
    void matvecAndBatchedMatmulMatchScalarReference(GgmlType type, Matmul.Activations mode) {
        Random random = new Random(type.id());
        int rows = 67;
        int cols = 160;
        // Shared, as a mapped model file is: pool threads read it.
        try (Arena arena = Arena.ofShared()) {
            WeightTensor w = TestTensors.encode(arena, type, TestTensors.gaussian(random, rows * cols, 0.05f));
            boolean integer = mode == Matmul.Activations.Q8 && w instanceof QuantizedTensor;
            for (int threads = 1; threads <= 3; threads++) {
                try (WorkerPool pool = new WorkerPool(threads)) {
                    Matmul matmul = new Matmul(pool, mode);
                    for (int batch = 1; batch <= 5; batch++) {
                        float[] x = TestTensors.gaussian(random, batch * cols, 1f);
                        float[] out = new float[batch * rows];
                        matmul.matmul(w, rows, cols, batch, x, out);
                        for (int b = 0; b < batch; b++) {
                            float[] single = new float[rows + 1];
                            matmul.matvec(w, rows, cols, x, b * cols, single, 1);
                            float[] reference = reference(w, rows, cols, x, b * cols, integer);
                            for (int r = 0; r < rows; r++) {
                                double tolerance = TestTensors.tolerance(w, (long) r * cols, x, b * cols, cols);
                                String where = type + " threads " + threads + " batch " + batch + " b " + b + " r " + r;
                                assertEquals(reference[r], out[b * rows + r], tolerance, where);
                                assertEquals(reference[r], single[1 + r], tolerance, where);
                            }
                        }
                    }
                }
            }
        }
    }

    private static float[] reference(WeightTensor w, int rows, int cols, float[] x, int xOffset, boolean integer) {
        float[] out = new float[rows];
        Q8Activation xq = new Q8Activation();
        if (integer) {
            xq.quantize(x, xOffset, cols);
        }
        for (int r = 0; r < rows; r++) {
            out[r] = integer
                    ? ((QuantizedTensor) w).dotQ8Scalar((long) r * cols, xq, 0, cols)
                    : w.dotScalar((long) r * cols, x, xOffset, cols);
        }
        return out;
    }

    @ParameterizedTest(name = "{0} with {1} activations")
    @MethodSource("typesAndModes")
    void rejectsShapesThatDoNotFit(GgmlType type, Matmul.Activations mode) {
        try (Arena arena = Arena.ofConfined(); WorkerPool pool = new WorkerPool(1)) {
            Matmul matmul = new Matmul(pool, mode);
            WeightTensor w = TestTensors.encode(arena, type, new float[64 * 2]);
            assertThrows(IllegalArgumentException.class,
                    () -> matmul.matvec(w, 3, 64, new float[64], 0, new float[3], 0));
            assertThrows(IndexOutOfBoundsException.class,
                    () -> matmul.matvec(w, 2, 64, new float[63], 0, new float[2], 0));
            assertThrows(IndexOutOfBoundsException.class,
                    () -> matmul.matmul(w, 2, 64, 2, new float[128], new float[3]));
        }
    }
}
