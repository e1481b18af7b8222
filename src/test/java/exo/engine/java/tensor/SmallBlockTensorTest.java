package exo.engine.java.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.engine.ggml.GgmlQuants;
import exo.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fallback block types llama.cpp's quantizer writes for rows that are not whole 256-blocks:
 * decoded bit for bit as llama.cpp's own {@code dequantize_row_*} decodes its quantizer's bytes.
 */
class SmallBlockTensorTest {
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q5_0", "Q5_1", "IQ4_NL"})
    void decodesAsLlamaCppAndDotsTheDecodedWeights(GgmlType type) {
        int n = 4 * 96;
        float[] values = TestTensors.gaussian(new Random(5), n, 0.7f);
        GgmlQuants quants = GgmlQuants.bundled();
        MemorySegment bytes = MemorySegment.ofArray(quants.quantize(type, values, 4, 96));
        WeightTensor w = WeightTensor.of(type, bytes, n);
        float[] ours = new float[n];
        w.dequantize(0, ours, 0, n);
        assertArrayEquals(quants.dequantize(type, bytes, n), ours);
        float[] x = TestTensors.gaussian(new Random(6), 96, 1f);
        float expected = 0;
        for (int i = 0; i < 96; i++) {
            expected += ours[96 + i] * x[i];
        }
        assertEquals(expected, w.dot(96, x, 0, 96), TestTensors.tolerance(w, 96, x, 0, 96));
        assertEquals(ours[100], w.get(100));
    }
}
