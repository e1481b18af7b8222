package exo.engine.java.tensor;

import static exo.engine.java.tensor.Layouts.BYTE;
import static exo.engine.java.tensor.Layouts.ORDER;
import static exo.engine.java.tensor.Layouts.SHORT;

import exo.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The 32-weight block types llama.cpp's quantizer falls back to when a row is not whole 256-blocks
 * (DeepSeek's attn_k_b rows of 128, GLM-4.5-Air's down projections): Q5_0, Q5_1 and IQ4_NL, decoded
 * as ggml's {@code dequantize_row_*} decodes them, a block at a time. Few tensors have them, so the
 * dot product decodes and sums in f32 without SIMD kernels of its own.
 */
public record SmallBlockTensor(GgmlType type, MemorySegment data, long elements) implements WeightTensor {
    private static final int BLOCK = 32;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ORDER);
    /** ggml-common.h's kvalues_iq4nl. */
    private static final byte[] IQ4_NL_VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    public SmallBlockTensor {
        if (type != GgmlType.Q5_0 && type != GgmlType.Q5_1 && type != GgmlType.IQ4_NL) {
            throw new IllegalArgumentException(type + " is not a 32-weight fallback type");
        }
        WeightTensor.checkSize(type, data, elements);
    }

    @Override
    public float get(long index) {
        float[] block = new float[BLOCK];
        decode(index / BLOCK, block, 0);
        return block[(int) (index % BLOCK)];
    }

    @Override
    public float dot(long offset, float[] x, int xOffset, int n) {
        return dotScalar(offset, x, xOffset, n);
    }

    /** Per block: decode, then sum w*x in f32 in order. */
    @Override
    public float dotScalar(long offset, float[] x, int xOffset, int n) {
        WeightTensor.checkRange(type, elements, offset, n, x, xOffset);
        float[] block = new float[BLOCK];
        float sum = 0f;
        for (int i = 0; i < n; i += BLOCK) {
            decode((offset + i) / BLOCK, block, 0);
            for (int j = 0; j < BLOCK; j++) {
                sum += block[j] * x[xOffset + i + j];
            }
        }
        return sum;
    }

    @Override
    public void dequantize(long offset, float[] out, int outOffset, int n) {
        WeightTensor.checkRange(type, elements, offset, n);
        for (int i = 0; i < n; i += BLOCK) {
            decode((offset + i) / BLOCK, out, outOffset + i);
        }
    }

    /** Block {@code b}'s 32 weights into out[at, at + 32). */
    private void decode(long b, float[] out, int at) {
        long base = b * type.bytesPerBlock();
        float d = Half.f16ToFloat(data.get(SHORT, base));
        switch (type) {
            case Q5_0 -> {
                int qh = data.get(INT, base + 2);
                for (int j = 0; j < 16; j++) {
                    int q = data.get(BYTE, base + 6 + j) & 0xFF;
                    int x0 = ((q & 0x0F) | (((qh >>> j) << 4) & 0x10)) - 16;
                    int x1 = ((q >>> 4) | ((qh >>> (j + 12)) & 0x10)) - 16;
                    out[at + j] = x0 * d;
                    out[at + j + 16] = x1 * d;
                }
            }
            case Q5_1 -> {
                float m = Half.f16ToFloat(data.get(SHORT, base + 2));
                int qh = data.get(INT, base + 4);
                for (int j = 0; j < 16; j++) {
                    int q = data.get(BYTE, base + 8 + j) & 0xFF;
                    int x0 = (q & 0x0F) | (((qh >>> j) << 4) & 0x10);
                    int x1 = (q >>> 4) | ((qh >>> (j + 12)) & 0x10);
                    out[at + j] = x0 * d + m;
                    out[at + j + 16] = x1 * d + m;
                }
            }
            default -> {
                for (int j = 0; j < 16; j++) {
                    int q = data.get(BYTE, base + 2 + j) & 0xFF;
                    out[at + j] = d * IQ4_NL_VALUES[q & 0x0F];
                    out[at + j + 16] = d * IQ4_NL_VALUES[q >>> 4];
                }
            }
        }
    }
}
