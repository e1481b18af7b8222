package exo.engine.java.tensor;

import exo.gguf.GgmlType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.junit.jupiter.api.Test;

/** get(i) against blocks written out by hand from ggml-common.h. */
class BlockLayoutTest {

    @Test
    void q8_0BlockIsScaleThenInt8() {
        byte[] bytes = new byte[68];
        // Block 0: d = 1.5 (fp16 0x3E00, little-endian), q_j = j - 16.
        bytes[0] = 0x00;
        bytes[1] = 0x3E;
        for (int j = 0; j < 32; j++) {
            bytes[2 + j] = (byte) (j - 16);
        }
        // Block 1: d = -0.25 (fp16 0xB400), q_j = 127 for every j.
        bytes[34] = 0x00;
        bytes[35] = (byte) 0xB4;
        for (int j = 0; j < 32; j++) {
            bytes[36 + j] = 127;
        }
        WeightTensor w = WeightTensor.of(GgmlType.Q8_0, MemorySegment.ofArray(bytes), 64);
        assertEquals(-24f, w.get(0));
        assertEquals(0f, w.get(16));
        assertEquals(22.5f, w.get(31));
        assertEquals(-31.75f, w.get(32));
        assertEquals(-31.75f, w.get(63));
    }

    @Test
    void q4_0BlockHoldsLowNibblesFirstThenHighNibbles() {
        byte[] bytes = new byte[18];
        // d = 2.0 (fp16 0x4000).
        bytes[1] = 0x40;
        for (int j = 0; j < 16; j++) {
            int low = j;            // weight j: (j - 8) * 2
            int high = 15 - j;      // weight j + 16: (7 - j) * 2
            bytes[2 + j] = (byte) (low | high << 4);
        }
        WeightTensor w = WeightTensor.of(GgmlType.Q4_0, MemorySegment.ofArray(bytes), 32);
        assertEquals(-16f, w.get(0));
        assertEquals(-2f, w.get(7));
        assertEquals(14f, w.get(15));
        assertEquals(14f, w.get(16));
        assertEquals(-16f, w.get(31));
    }

    @Test
    void halfFormatsAreLittleEndian() {
        // F16 1.0 = 0x3C00, BF16 -2.0 = 0xC000.
        WeightTensor f16 = WeightTensor.of(GgmlType.F16, MemorySegment.ofArray(new byte[] {0x00, 0x3C}), 1);
        WeightTensor bf16 = WeightTensor.of(GgmlType.BF16, MemorySegment.ofArray(new byte[] {0x00, (byte) 0xC0}), 1);
        assertEquals(1f, f16.get(0));
        assertEquals(-2f, bf16.get(0));
    }

    /** Expected bytes worked by hand from quantize_row_q4_0_ref for x_j = j - 16. */
    @Test
    void q4_0QuantizerMatchesLlamaCppReference() {
        float[] x = new float[32];
        for (int j = 0; j < 32; j++) {
            x[j] = j - 16;
        }
        // max = -16 (largest magnitude, sign kept), d = max / -8 = 2, q_j = min(15, (int) (j / 2 + 0.5)).
        byte[] expected = {
            0x00, 0x40,
            (byte) 0x80, (byte) 0x91, (byte) 0x91, (byte) 0xA2, (byte) 0xA2, (byte) 0xB3, (byte) 0xB3, (byte) 0xC4,
            (byte) 0xC4, (byte) 0xD5, (byte) 0xD5, (byte) 0xE6, (byte) 0xE6, (byte) 0xF7, (byte) 0xF7, (byte) 0xF8,
        };
        assertArrayEquals(expected, Quantizer.encode(GgmlType.Q4_0, x));
    }

    /** quantize_row_q8_0_ref: d = amax / 127 stored as fp16, q = roundf(x * (1 / d)) from the f32 d. */
    @Test
    void q8_0QuantizerMatchesLlamaCppReference() {
        float[] x = new float[32];
        for (int j = 0; j < 32; j++) {
            x[j] = (j - 16) * 0.25f;   // amax = 4, d = 4/127, q = round(x * 127 / 4)
        }
        byte[] actual = Quantizer.encode(GgmlType.Q8_0, x);
        short d = Float.floatToFloat16(4f / 127f);
        assertEquals((byte) d, actual[0]);
        assertEquals((byte) (d >> 8), actual[1]);
        float id = 1f / (4f / 127f);
        for (int j = 0; j < 32; j++) {
            // BigDecimal's HALF_UP rounds halves away from zero, as roundf does; x = 2 lands near 63.5.
            int q = new BigDecimal(x[j] * id).setScale(0, RoundingMode.HALF_UP).intValueExact();
            assertEquals(q, actual[2 + j], "q" + j);
        }
        assertEquals(-127, actual[2]);
    }

    @Test
    void roundingIsHalfAwayFromZeroAsInC() {
        assertEquals(3, Quantizer.roundHalfAway(2.5f));
        assertEquals(-3, Quantizer.roundHalfAway(-2.5f));
        assertEquals(-1, Quantizer.roundHalfAway(-0.5f));
        assertEquals(0, Quantizer.roundHalfAway(0.49999997f));
        assertEquals(127, Quantizer.roundHalfAway(127f));
        assertEquals(-127, Quantizer.roundHalfAway(-126.6f));
    }
}
