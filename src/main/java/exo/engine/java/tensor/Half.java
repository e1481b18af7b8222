package exo.engine.java.tensor;

/** Scalar conversions between f32 and the two 16-bit float formats GGUF uses. */
final class Half {
    private Half() {
    }

    /** IEEE binary16 bits to f32; exact. */
    static float f16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** f32 to IEEE binary16 bits, round to nearest even, as ggml's GGML_FP32_TO_FP16. */
    static short floatToF16(float f) {
        return Float.floatToFloat16(f);
    }

    /** bfloat16 is the upper half of an f32; exact. */
    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /**
     * f32 to bfloat16 bits as ggml_compute_fp32_to_bf16: NaN is kept and made quiet, everything
     * else is rounded to nearest even (overflow rounds to infinity).
     */
    static short floatToBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((u >>> 16) | 64);
        }
        return (short) ((u + (0x7FFF + ((u >>> 16) & 1))) >>> 16);
    }
}
