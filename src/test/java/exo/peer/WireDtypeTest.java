package exo.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.engine.Activations;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WireDtypeTest {
    private static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (r.nextGaussian() * 4);
        }
        return f;
    }

    private static final float[] SPECIALS = {0f, -0f, 1f, -1f, Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 65504f, 6.1e-5f, 3.14159265f};

    @Test
    void f32IsExactBitForBit() {
        float[] values = gaussian(10_000, 1);
        float[] all = new float[values.length + SPECIALS.length];
        System.arraycopy(values, 0, all, 0, values.length);
        System.arraycopy(SPECIALS, 0, all, values.length, SPECIALS.length);
        byte[] wire = WireDtype.F32.encode(all);
        assertEquals(4 * all.length, wire.length);
        float[] back = WireDtype.F32.decode(wire);
        for (int i = 0; i < all.length; i++) {
            assertEquals(Float.floatToRawIntBits(all[i]), Float.floatToRawIntBits(back[i]), "value " + i);
        }
    }

    @Test
    void halfFormatsHalveTheBytesAndRoundWithinHalfAnUlp() {
        float[] values = gaussian(10_000, 2);
        // BF16 keeps 8 significand bits, F16 11: round to nearest is within 2^-8 and 2^-11 relative
        assertWithin(WireDtype.BF16, values, 0x1p-8f);
        assertWithin(WireDtype.F16, values, 0x1p-11f);
    }

    private static void assertWithin(WireDtype dtype, float[] values, float relative) {
        byte[] wire = dtype.encode(values);
        assertEquals(2 * values.length, wire.length);
        float[] back = dtype.decode(wire);
        for (int i = 0; i < values.length; i++) {
            float err = Math.abs(back[i] - values[i]);
            assertTrue(err <= Math.abs(values[i]) * relative + 1e-7f, dtype + " value " + values[i] + " came back " + back[i]);
        }
        // a second trip changes nothing: rounded values are representable
        assertArrayEquals(wire, dtype.encode(back));
    }

    @Test
    void specialValuesSurviveTheHalfFormats() {
        for (WireDtype dtype : new WireDtype[] {WireDtype.F16, WireDtype.BF16}) {
            float[] back = dtype.decode(dtype.encode(new float[] {0f, -0f, Float.POSITIVE_INFINITY,
                    Float.NEGATIVE_INFINITY, Float.NaN, 1f, -2f}));
            assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(back[0]), dtype + " +0");
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(back[1]), dtype + " -0");
            assertEquals(Float.POSITIVE_INFINITY, back[2]);
            assertEquals(Float.NEGATIVE_INFINITY, back[3]);
            assertTrue(Float.isNaN(back[4]), dtype + " NaN");
            assertEquals(1f, back[5]);
            assertEquals(-2f, back[6]);
        }
        // F16 overflows to infinity above 65504; BF16 has F32's range
        assertEquals(Float.POSITIVE_INFINITY, WireDtype.F16.decode(WireDtype.F16.encode(new float[] {1e6f}))[0]);
        assertEquals(1e6f, WireDtype.BF16.decode(WireDtype.BF16.encode(new float[] {1e6f}))[0], 1e6f * 0x1p-8f);
    }

    @Test
    void bf16RoundsToNearestEvenLikeGgml() {
        // 1 + 2^-8 is halfway between two BF16 values: ties go to the even one (1.0)
        assertEquals(1f, WireDtype.BF16.decode(WireDtype.BF16.encode(new float[] {1f + 0x1p-8f}))[0]);
        // 1 + 3 * 2^-8 is halfway too: ties go to 1 + 2^-6 (even)
        assertEquals(1f + 0x1p-6f, WireDtype.BF16.decode(WireDtype.BF16.encode(new float[] {1f + 3 * 0x1p-8f}))[0]);
    }

    @Test
    void hiddenStatePayloadRoundTripsThroughActivations() {
        var hidden = new Activations.Hidden(gaussian(4 * 16, 3), 4, 16);
        for (WireDtype dtype : WireDtype.values()) {
            Payload.HiddenState wire = Payload.HiddenState.of(hidden, dtype);
            assertEquals(4 * 16 * dtype.bytesPerValue(), wire.bytes().remaining());
            Activations.Hidden back = wire.toActivations();
            assertEquals(4, back.count());
            assertEquals(16, back.dim());
            assertArrayEquals(dtype.decode(dtype.encode(hidden.data())), back.data());
        }
        assertArrayEquals(hidden.data(), Payload.HiddenState.of(hidden, WireDtype.F32).toActivations().data());
    }

    @Test
    void decodeRefusesAPartialValue() {
        assertThrows(IllegalArgumentException.class, () -> WireDtype.F32.decode(new byte[6]));
    }
}
