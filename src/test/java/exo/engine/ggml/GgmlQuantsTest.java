package exo.engine.ggml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.engine.java.tensor.Quantizer;
import exo.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GgmlQuantsTest {
    private final GgmlQuants quants = GgmlQuants.bundled();

    private static float[] random(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    @Test
    void q8_0FromLlamaCppEqualsExosOwnQuantizer() {
        float[] x = random(4 * 256, 1);
        byte[] native_ = quants.quantize(GgmlType.Q8_0, x, 4, 256);
        byte[] own = new byte[native_.length];
        Quantizer.toQ8_0(x, 0, x.length, MemorySegment.ofArray(own), 0);
        assertArrayEquals(own, native_);
    }

    @Test
    void kQuantsRoundTripCloseToTheInput() {
        float[] x = random(2 * 512, 2);
        // Worst error per element, relative to the range [-1, 1]: about half a quantization step, with the scales rounded too.
        for (var c : new Object[][] {{GgmlType.Q6_K, 0.03f}, {GgmlType.Q5_K, 0.05f}, {GgmlType.Q4_K, 0.1f},
                {GgmlType.Q3_K, 0.25f}, {GgmlType.Q2_K, 0.5f}}) {
            GgmlType type = (GgmlType) c[0];
            byte[] q = quants.quantize(type, x, 2, 512);
            assertEquals(type.byteSize(x.length), q.length);
            float[] back = quants.dequantize(type, MemorySegment.ofArray(q), x.length);
            float worst = 0;
            for (int i = 0; i < x.length; i++) {
                worst = Math.max(worst, Math.abs(back[i] - x[i]));
            }
            assertTrue(worst < (float) c[1], type + " worst error " + worst);
        }
    }

    @Test
    void refusesPartialBlocksAndShortBuffers() {
        assertThrows(IllegalArgumentException.class, () -> quants.quantize(GgmlType.Q4_K, new float[128], 1, 128));
        assertThrows(IllegalArgumentException.class, () -> quants.quantize(GgmlType.Q4_K, new float[256], 2, 256));
        assertThrows(IllegalArgumentException.class,
                () -> quants.dequantize(GgmlType.Q4_K, MemorySegment.ofArray(new byte[10]), 256));
    }
}
