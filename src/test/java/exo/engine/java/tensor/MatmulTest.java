package exo.engine.java.tensor;

import exo.gguf.GgmlType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Parallel and batched matmul against a one-thread loop over the scalar twins. */
class MatmulTest {

    static Object[] types() {
        return TestTensors.COMPUTABLE;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void matvecAndBatchedMatmulMatchScalarReference(GgmlType type) {
        Random random = new Random(type.id());
        int rows = 67;
        int cols = 160;
        // Shared, as a mapped model file is: pool threads read it.
        try (Arena arena = Arena.ofShared()) {
            WeightTensor w = TestTensors.encode(arena, type, TestTensors.gaussian(random, rows * cols, 0.05f));
            for (int threads = 1; threads <= 3; threads++) {
                try (WorkerPool pool = new WorkerPool(threads)) {
                    for (int batch = 1; batch <= 5; batch++) {
                        float[] x = TestTensors.gaussian(random, batch * cols, 1f);
                        float[] out = new float[batch * rows];
                        Matmul.matmul(pool, w, rows, cols, batch, x, out);
                        for (int b = 0; b < batch; b++) {
                            float[] single = new float[rows + 1];
                            Matmul.matvec(pool, w, rows, cols, x, b * cols, single, 1);
                            for (int r = 0; r < rows; r++) {
                                long offset = (long) r * cols;
                                float expected = w.dotScalar(offset, x, b * cols, cols);
                                double tolerance = TestTensors.tolerance(w, offset, x, b * cols, cols);
                                String where = type + " threads " + threads + " batch " + batch + " b " + b + " r " + r;
                                assertEquals(expected, out[b * rows + r], tolerance, where);
                                assertEquals(expected, single[1 + r], tolerance, where);
                            }
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void rejectsShapesThatDoNotFit(GgmlType type) {
        try (Arena arena = Arena.ofConfined(); WorkerPool pool = new WorkerPool(1)) {
            WeightTensor w = TestTensors.encode(arena, type, new float[64 * 2]);
            assertThrows(IllegalArgumentException.class,
                    () -> Matmul.matvec(pool, w, 3, 64, new float[64], 0, new float[3], 0));
            assertThrows(IndexOutOfBoundsException.class,
                    () -> Matmul.matvec(pool, w, 2, 64, new float[63], 0, new float[2], 0));
            assertThrows(IndexOutOfBoundsException.class,
                    () -> Matmul.matmul(pool, w, 2, 64, 2, new float[128], new float[3]));
        }
    }
}
