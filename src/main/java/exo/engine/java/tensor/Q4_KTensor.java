package exo.engine.java.tensor;

import exo.gguf.GgmlType;
import static exo.engine.java.tensor.Layouts.BYTE;
import static exo.engine.java.tensor.Layouts.ORDER;
import static exo.engine.java.tensor.Layouts.SHORT;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q4_K (ggml-common.h {@code block_q4_K}, dequantize_row_q4_K): super-blocks of 256
 * weights, 144 bytes: fp16 {@code d}, fp16 {@code dmin}, 12 bytes holding eight 6-bit scales
 * and eight 6-bit mins ({@link #scale}, {@link #min}), then 128 bytes of nibbles. Weights
 * [64c, 64c + 32) are the low nibbles of bytes [32c, 32c + 32), weights [64c + 32, 64c + 64)
 * their high nibbles; sub-block s = index / 32 decodes as {@code (d * sc_s) * q - (dmin * m_s)}.
 */
public record Q4_KTensor(MemorySegment data, long elements) implements KQuantTensor {

    static final int BLOCK_BYTES = 144;
    private static final int SCALES = 4;
    private static final int QS = 16;

    public Q4_KTensor {
        WeightTensor.checkSize(GgmlType.Q4_K, data, elements);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    @Override
    public float weight(long block, int j) {
        int s = j / 32;
        int b = data.get(BYTE, block + QS + (j / 64) * 32 + (j % 32)) & 0xFF;
        int q = (s & 1) == 0 ? b & 0xF : b >> 4;
        float d1 = d(data, block) * scale(data, block + SCALES, s);
        float m1 = dmin(data, block) * min(data, block + SCALES, s);
        return d1 * q - m1;
    }

    /**
     * Per sub-block: sum q*x and sum x in f32; then those sums take the integer scales and
     * mins, then {@code d} and {@code dmin}.
     */
    @Override
    public float dotBlock(long block, float[] x, int xAt) {
        float scaled = 0f;
        float mins = 0f;
        for (int s = 0; s < 8; s++) {
            float qx = 0f;
            float xs = 0f;
            long qs = block + QS + (s / 2) * 32;
            int shift = (s & 1) * 4;
            for (int l = 0; l < 32; l++) {
                float xv = x[xAt + s * 32 + l];
                qx += ((data.get(BYTE, qs + l) >> shift) & 0xF) * xv;
                xs += xv;
            }
            scaled += scale(data, block + SCALES, s) * qx;
            mins += min(data, block + SCALES, s) * xs;
        }
        return d(data, block) * scaled - dmin(data, block) * mins;
    }

    /** dequantize_row_q4_K, operation for operation, so that the floats are llama.cpp's. */
    @Override
    public void dequantizeBlock(long block, float[] out, int outAt) {
        int y = outAt;
        float d = d(data, block);
        float min = dmin(data, block);
        for (int c = 0; c < 4; c++) {
            float d1 = d * scale(data, block + SCALES, 2 * c);
            float m1 = min * min(data, block + SCALES, 2 * c);
            float d2 = d * scale(data, block + SCALES, 2 * c + 1);
            float m2 = min * min(data, block + SCALES, 2 * c + 1);
            long q = block + QS + c * 32;
            for (int l = 0; l < 32; l++) {
                out[y++] = d1 * (data.get(BYTE, q + l) & 0xF) - m1;
            }
            for (int l = 0; l < 32; l++) {
                out[y++] = d2 * ((data.get(BYTE, q + l) >> 4) & 0xF) - m2;
            }
        }
    }

    static float d(MemorySegment data, long block) {
        return Half.f16ToFloat(data.get(SHORT, block));
    }

    static float dmin(MemorySegment data, long block) {
        return Half.f16ToFloat(data.get(SHORT, block + 2));
    }

    /**
     * The 6-bit scale of sub-block j (get_scale_min_k4): scales 0-3 and mins 0-3 are the low 6
     * bits of bytes 0-3 and 4-7; scales and mins 4-7 take their low 4 bits from the nibbles of
     * bytes 8-11 and their high 2 bits from the top of bytes 0-3 and 4-7. Shared with Q5_K.
     */
    static int scale(MemorySegment data, long scales, int j) {
        if (j < 4) {
            return data.get(BYTE, scales + j) & 63;
        }
        return (data.get(BYTE, scales + j + 4) & 0xF) | (((data.get(BYTE, scales + j - 4) & 0xFF) >> 6) << 4);
    }

    /** The 6-bit min of sub-block j; see {@link #scale}. */
    static int min(MemorySegment data, long scales, int j) {
        if (j < 4) {
            return data.get(BYTE, scales + j + 4) & 63;
        }
        return ((data.get(BYTE, scales + j + 4) & 0xFF) >> 4) | (((data.get(BYTE, scales + j) & 0xFF) >> 6) << 4);
    }

    /**
     * One sub-block of 32 at a time: its quants are the low (even s) or high (odd s) nibbles
     * of 32 bytes, widened to int lanes; q*x and x are summed in float lanes, then take the
     * sub-block's scale and min, and per super-block d and dmin, as {@link #dotBlock}. Each
     * byte is loaded twice, once per nibble: loads are cheap, and a small loop body keeps C2
     * within its inlining budget, beyond which Vector API calls stop being intrinsics and box.
     */
    static float dot(VectorWidth width, MemorySegment data, long offset, float[] x, int xOffset, int n) {
        Species s = width.species();
        int lanes = s.floats().length();
        int step = s.bytes().length();
        int parts = s.byteParts();
        FloatVector zero = FloatVector.zero(s.floats());
        FloatVector acc = zero;
        long block = (offset / QK_K) * BLOCK_BYTES;
        for (int i = 0; i < n; i += QK_K, block += BLOCK_BYTES) {
            FloatVector scaled = zero;
            FloatVector mins = zero;
            for (int sub = 0; sub < 8; sub++) {
                FloatVector qx = zero;
                FloatVector xs = zero;
                long qs = block + QS + (sub >> 1) * 32;
                int shift = 4 * (sub & 1);
                int xs0 = xOffset + i + sub * 32;
                for (int j = 0; j < 32; j += step) {
                    ByteVector packed = ByteVector.fromMemorySegment(s.bytes(), data, qs + j, ORDER);
                    for (int p = 0; p < parts; p++) {
                        IntVector u = (IntVector) packed.convertShape(VectorOperators.ZERO_EXTEND_B2I, s.ints(), p);
                        FloatVector q = (FloatVector) u.lanewise(VectorOperators.LSHR, shift).and(0x0F)
                                .convert(VectorOperators.I2F, 0);
                        FloatVector xv = FloatVector.fromArray(s.floats(), x, xs0 + j + p * lanes);
                        qx = q.fma(xv, qx);
                        xs = xs.add(xv);
                    }
                }
                scaled = qx.fma(FloatVector.broadcast(s.floats(), scale(data, block + SCALES, sub)), scaled);
                mins = xs.fma(FloatVector.broadcast(s.floats(), min(data, block + SCALES, sub)), mins);
            }
            acc = scaled.fma(FloatVector.broadcast(s.floats(), d(data, block)), acc);
            acc = mins.fma(FloatVector.broadcast(s.floats(), -dmin(data, block)), acc);
        }
        return Lanes.sum(acc);
    }
}
