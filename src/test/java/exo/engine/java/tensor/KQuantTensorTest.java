package exo.engine.java.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import exo.engine.ggml.GgmlQuants;
import exo.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The K-quant tensors against llama.cpp itself: blocks written by its quantizer
 * (ggml_quantize_chunk) must decode to exactly the floats its dequantize_row_* gives, and the
 * dot products must agree with those floats.
 */
class KQuantTensorTest {
    static final GgmlType[] TYPES = {GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K};
    private static final int PER_ROW = 512;

    private static final GgmlQuants LLAMA = GgmlQuants.bundled();

    static Stream<GgmlType> types() {
        return Stream.of(TYPES);
    }

    static Stream<Arguments> typesAndWidths() {
        List<Arguments> cases = new ArrayList<>();
        for (GgmlType type : TYPES) {
            for (VectorWidth width : VectorWidth.all()) {
                cases.add(Arguments.of(type, width));
            }
        }
        return cases.stream();
    }

    /** Rows of PER_ROW: random at several scales, and the edge cases a quantizer special-cases. */
    static float[] rows(Random random) {
        List<float[]> rows = new ArrayList<>();
        rows.add(TestTensors.gaussian(random, PER_ROW, 1f));
        rows.add(TestTensors.gaussian(random, PER_ROW, 0.02f));
        rows.add(TestTensors.gaussian(random, PER_ROW, 3e4f));
        rows.add(TestTensors.gaussian(random, PER_ROW, 1e-6f));
        rows.add(new float[PER_ROW]);
        float[] constant = new float[PER_ROW];
        Arrays.fill(constant, 0.7f);
        rows.add(constant);
        float[] negative = TestTensors.gaussian(random, PER_ROW, 1f);
        for (int i = 0; i < PER_ROW; i++) {
            negative[i] = -Math.abs(negative[i]) - 0.1f;
        }
        rows.add(negative);
        float[] positive = new float[PER_ROW];
        for (int i = 0; i < PER_ROW; i++) {
            positive[i] = Math.abs(negative[i]);
        }
        rows.add(positive);
        // One outlier per row and a half-zero row: sub-blocks whose scale or min rounds to 0.
        float[] spiky = TestTensors.gaussian(random, PER_ROW, 0.01f);
        spiky[37] = 50f;
        rows.add(spiky);
        float[] halfZero = TestTensors.gaussian(random, PER_ROW, 1f);
        Arrays.fill(halfZero, 0, PER_ROW / 2, 0f);
        rows.add(halfZero);
        float[] all = new float[rows.size() * PER_ROW];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, all, r * PER_ROW, PER_ROW);
        }
        return all;
    }

    /** llama.cpp's encoding of {@code values}, placed at an odd address as a mapped file may. */
    static WeightTensor encode(Arena arena, GgmlType type, float[] values, int perRow) {
        byte[] bytes = LLAMA.quantize(type, values, values.length / perRow, perRow);
        MemorySegment slice = arena.allocate(bytes.length + 3L, 1).asSlice(3, bytes.length);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, slice, 0, bytes.length);
        return WeightTensor.of(type, slice, values.length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void decodesExactlyAsLlamaCpp(GgmlType type) {
        float[] values = rows(new Random(type.id()));
        try (Arena arena = Arena.ofConfined()) {
            WeightTensor w = encode(arena, type, values, PER_ROW);
            assertInstanceOf(KQuantTensor.class, w);
            float[] expected = LLAMA.dequantize(type, w.data(), values.length);
            float[] actual = new float[values.length + 4];
            w.dequantize(0, actual, 2, values.length);
            for (int i = 0; i < values.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[2 + i]),
                        type + " dequantize at " + i + ": llama.cpp " + expected[i] + ", java " + actual[2 + i]);
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(w.get(i)),
                        type + " get at " + i + ": llama.cpp " + expected[i] + ", java " + w.get(i));
            }
            // A range that starts past the first super-block.
            float[] part = new float[2 * 256];
            w.dequantize(3 * 256, part, 0, part.length);
            assertEquals(Arrays.toString(Arrays.copyOfRange(expected, 3 * 256, 5 * 256)), Arrays.toString(part));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void scalarDotMatchesDoubleDotOfLlamaCppsFloats(GgmlType type) {
        Random random = new Random(100 + type.id());
        float[] values = rows(random);
        try (Arena arena = Arena.ofConfined()) {
            WeightTensor w = encode(arena, type, values, PER_ROW);
            float[] decoded = LLAMA.dequantize(type, w.data(), values.length);
            float[] x = TestTensors.gaussian(random, PER_ROW + 7, 1f);
            for (int r = 0; r < values.length / PER_ROW; r++) {
                double exact = 0;
                for (int i = 0; i < PER_ROW; i++) {
                    exact += (double) decoded[r * PER_ROW + i] * x[7 + i];
                }
                long offset = (long) r * PER_ROW;
                assertEquals(exact, w.dotScalar(offset, x, 7, PER_ROW), TestTensors.tolerance(w, offset, x, 7, PER_ROW),
                        type + " row " + r);
            }
        }
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("typesAndWidths")
    void vectorDotMatchesScalarTwin(GgmlType type, VectorWidth width) {
        Random random = new Random(type.id() * 31L + width.species().floats().vectorBitSize());
        float[] values = rows(random);
        try (Arena arena = Arena.ofConfined()) {
            WeightTensor w = encode(arena, type, values, PER_ROW);
            float[] x = TestTensors.gaussian(random, values.length + 5, 1f);
            // Every row, then ranges of one, two and three super-blocks at different offsets.
            List<long[]> ranges = new ArrayList<>();
            for (int r = 0; r < values.length / PER_ROW; r++) {
                ranges.add(new long[] {(long) r * PER_ROW, PER_ROW});
            }
            ranges.add(new long[] {256, 256});
            ranges.add(new long[] {768, 768});
            ranges.add(new long[] {0, values.length});
            for (long[] range : ranges) {
                long offset = range[0];
                int n = (int) range[1];
                int xOffset = 5;
                float expected = w.dotScalar(offset, x, xOffset, n);
                double tolerance = TestTensors.tolerance(w, offset, x, xOffset, n);
                String where = type + " [" + offset + ", +" + n + ")";
                assertEquals(expected, TestTensors.dotAt(width, w, offset, x, xOffset, n), tolerance, where + " at " + width);
                assertEquals(expected, w.dot(offset, x, xOffset, n), tolerance, where + " at the preferred width");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void matmulMatchesScalarTwinPerRow(GgmlType type) {
        Random random = new Random(200 + type.id());
        int rows = 37;
        int cols = 768;
        // Shared, as a mapped model file is: pool threads read it.
        try (Arena arena = Arena.ofShared()) {
            WeightTensor w = encode(arena, type, TestTensors.gaussian(random, rows * cols, 0.05f), cols);
            for (Matmul.Activations mode : Matmul.Activations.values()) {
                for (int threads = 1; threads <= 3; threads += 2) {
                    try (WorkerPool pool = new WorkerPool(threads)) {
                        Matmul matmul = new Matmul(pool, mode);
                        int batch = 5;
                        float[] x = TestTensors.gaussian(random, batch * cols, 1f);
                        float[] out = new float[batch * rows];
                        matmul.matmul(w, rows, cols, batch, x, out);
                        for (int b = 0; b < batch; b++) {
                            float[] single = new float[rows + 1];
                            matmul.matvec(w, rows, cols, x, b * cols, single, 1);
                            for (int r = 0; r < rows; r++) {
                                long offset = (long) r * cols;
                                float expected = w.dotScalar(offset, x, b * cols, cols);
                                double tolerance = TestTensors.tolerance(w, offset, x, b * cols, cols);
                                String where = type + " " + mode + " threads " + threads + " b " + b + " r " + r;
                                assertEquals(expected, out[b * rows + r], tolerance, where + " (batched)");
                                assertEquals(expected, single[1 + r], tolerance, where + " (matvec)");
                            }
                        }
                        assertThrows(exo.InvalidInputException.class,
                                () -> matmul.matvec(w, rows * 6, cols / 6, x, 0, new float[rows * 6], 0));
                    }
                }
            }
        }
    }
}
