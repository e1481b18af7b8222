package exo.peer;

import java.nio.ByteBuffer;

/**
 * How hidden-state floats travel between shards. F32 is the engine's own format, so a ring
 * that sends F32 computes exactly what one machine computes; F16 and BF16 halve the bytes
 * of every hop at the price of rounding each value once per hop. Values are written
 * big-endian, like every other field of the wire format.
 */
public enum WireDtype {
    F32(4),
    F16(2),
    BF16(2);

    private final int bytesPerValue;

    WireDtype(int bytesPerValue) {
        this.bytesPerValue = bytesPerValue;
    }

    public int bytesPerValue() {
        return bytesPerValue;
    }

    /** The big-endian wire bytes of {@code values}, rounded to nearest even for F16/BF16. */
    public byte[] encode(float[] values) {
        ByteBuffer out = ByteBuffer.allocate(Math.multiplyExact(values.length, bytesPerValue));
        switch (this) {
            case F32 -> out.asFloatBuffer().put(values);
            case F16 -> {
                for (float v : values) {
                    out.putShort(Float.floatToFloat16(v));
                }
            }
            case BF16 -> {
                for (float v : values) {
                    out.putShort(floatToBf16(v));
                }
            }
        }
        return out.array();
    }

    /** The floats of big-endian wire bytes; exact (every F16/BF16 value is an F32 value). */
    public float[] decode(byte[] bytes) {
        if (bytes.length % bytesPerValue != 0) {
            throw new IllegalArgumentException(bytes.length + " bytes are not a whole number of " + this + " values");
        }
        float[] values = new float[bytes.length / bytesPerValue];
        ByteBuffer in = ByteBuffer.wrap(bytes);
        switch (this) {
            case F32 -> in.asFloatBuffer().get(values);
            case F16 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.float16ToFloat(in.getShort());
                }
            }
            case BF16 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.intBitsToFloat((in.getShort() & 0xFFFF) << 16);
                }
            }
        }
        return values;
    }

    /**
     * bfloat16 is the upper half of an f32. Rounded to nearest even as ggml's
     * ggml_compute_fp32_to_bf16, so a BF16 hop rounds like a BF16 tensor would; NaN stays a
     * (quiet) NaN instead of rounding into infinity.
     */
    static short floatToBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((u >>> 16) | 64);
        }
        return (short) ((u + (0x7FFF + ((u >>> 16) & 1))) >>> 16);
    }
}
