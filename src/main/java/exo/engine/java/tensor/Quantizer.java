package exo.engine.java.tensor;

import exo.gguf.GgmlType;
import static exo.engine.java.tensor.Layouts.BYTE;
import static exo.engine.java.tensor.Layouts.SHORT;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * f32 to the GGUF weight encodings, bit for bit as llama.cpp's reference quantizers
 * (ggml-quants.c quantize_row_q8_0_ref, quantize_row_q4_0_ref; GGML_FP32_TO_FP16 and
 * GGML_FP32_TO_BF16), so that files written with them load and compute the same in llama.cpp.
 * Output goes to {@code dst} at byte offset {@code dstOffset}, laid out as a {@link WeightTensor}
 * of that type reads it.
 */
public final class Quantizer {
    private Quantizer() {
    }

    /** Encodes {@code n} floats (a multiple of 32) as Q8_0 blocks: d = amax / 127, q = round(x / d). */
    public static void toQ8_0(float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset) {
        checkBlocks(src, srcOffset, n, dst, dstOffset, GgmlType.Q8_0);
        long out = dstOffset;
        for (int i = 0; i < n; i += 32, out += 34) {
            float amax = 0f;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(src[srcOffset + i + j]));
            }
            float d = amax / 127f;
            float id = d != 0f ? 1f / d : 0f;
            dst.set(SHORT, out, Half.floatToF16(d));
            for (int j = 0; j < 32; j++) {
                dst.set(BYTE, out + 2 + j, (byte) roundHalfAway(src[srcOffset + i + j] * id));
            }
        }
    }

    /**
     * Encodes {@code n} floats (a multiple of 32) as Q4_0 blocks: d = max / -8 where max is the
     * value of largest magnitude, sign kept, and q = min(15, (int) (x / d + 8.5)); so the extreme
     * value maps to quant 0 exactly and the other side has 7 steps.
     */
    public static void toQ4_0(float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset) {
        checkBlocks(src, srcOffset, n, dst, dstOffset, GgmlType.Q4_0);
        long out = dstOffset;
        for (int i = 0; i < n; i += 32, out += 18) {
            float amax = 0f;
            float max = 0f;
            for (int j = 0; j < 32; j++) {
                float v = src[srcOffset + i + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8f;
            float id = d != 0f ? 1f / d : 0f;
            dst.set(SHORT, out, Half.floatToF16(d));
            for (int j = 0; j < 16; j++) {
                // (int8_t) in C truncates toward zero, as the Java cast does.
                int lo = Math.min(15, (int) (src[srcOffset + i + j] * id + 8.5f));
                int hi = Math.min(15, (int) (src[srcOffset + i + 16 + j] * id + 8.5f));
                dst.set(BYTE, out + 2 + j, (byte) (lo | (hi << 4)));
            }
        }
    }

    public static void toF16(float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset) {
        checkBlocks(src, srcOffset, n, dst, dstOffset, GgmlType.F16);
        for (int i = 0; i < n; i++) {
            dst.set(SHORT, dstOffset + 2L * i, Half.floatToF16(src[srcOffset + i]));
        }
    }

    public static void toBF16(float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset) {
        checkBlocks(src, srcOffset, n, dst, dstOffset, GgmlType.BF16);
        for (int i = 0; i < n; i++) {
            dst.set(SHORT, dstOffset + 2L * i, Half.floatToBf16(src[srcOffset + i]));
        }
    }

    /** Encodes all of {@code src} as {@code type} into a new array (F32, F16, BF16, Q8_0, Q4_0). */
    public static byte[] encode(GgmlType type, float[] src) {
        byte[] out = new byte[Math.toIntExact(type.byteSize(src.length))];
        MemorySegment dst = MemorySegment.ofArray(out);
        switch (type) {
            case F32 -> MemorySegment.copy(src, 0, dst, Layouts.FLOAT, 0, src.length);
            case F16 -> toF16(src, 0, src.length, dst, 0);
            case BF16 -> toBF16(src, 0, src.length, dst, 0);
            case Q8_0 -> toQ8_0(src, 0, src.length, dst, 0);
            case Q4_0 -> toQ4_0(src, 0, src.length, dst, 0);
            default -> throw new IllegalArgumentException("cannot encode " + type);
        }
        return out;
    }

    /** C's roundf: halves go away from zero (Math.round would send -2.5 to -2). */
    static int roundHalfAway(float v) {
        // v + 0.5 is exact in double for every float this sees (|v| <= 127 plus rounding slack).
        double r = Math.floor(Math.abs((double) v) + 0.5);
        return (int) Math.copySign(r, v);
    }

    private static void checkBlocks(float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset,
                                    GgmlType type) {
        Objects.checkFromIndexSize(srcOffset, n, src.length);
        Objects.checkFromIndexSize(dstOffset, type.byteSize(n), dst.byteSize());
    }
}
