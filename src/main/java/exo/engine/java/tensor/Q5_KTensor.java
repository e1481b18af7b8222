package exo.engine.java.tensor;

import exo.gguf.GgmlType;
import static exo.engine.java.tensor.Layouts.BYTE;
import static exo.engine.java.tensor.Layouts.ORDER;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q5_K (ggml-common.h {@code block_q5_K}, dequantize_row_q5_K): Q4_K's layout with a
 * fifth bit. 176 bytes per 256 weights: fp16 {@code d}, fp16 {@code dmin}, the 12 bytes of
 * 6-bit scales and mins that Q4_K packs ({@link Q4_KTensor#scale}), 32 bytes {@code qh}, then
 * 128 bytes of nibbles laid out as Q4_K's. Weight i's fifth bit (worth 16) is bit i / 32 of
 * {@code qh[i % 32]}; sub-block s = i / 32 decodes as {@code (d * sc_s) * q - (dmin * m_s)}.
 */
public record Q5_KTensor(MemorySegment data, long elements) implements KQuantTensor {

    static final int BLOCK_BYTES = 176;
    private static final int SCALES = 4;
    private static final int QH = 16;
    private static final int QS = 48;

    public Q5_KTensor {
        WeightTensor.checkSize(GgmlType.Q5_K, data, elements);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q5_K;
    }

    @Override
    public float weight(long block, int j) {
        int s = j / 32;
        float d1 = Q4_KTensor.d(data, block) * Q4_KTensor.scale(data, block + SCALES, s);
        float m1 = Q4_KTensor.dmin(data, block) * Q4_KTensor.min(data, block + SCALES, s);
        return d1 * quant(data, block, j) - m1;
    }

    /** As {@link Q4_KTensor#dotBlock}: per sub-block sums of q*x and x, then scales and mins, then d and dmin. */
    @Override
    public float dotBlock(long block, float[] x, int xAt) {
        float scaled = 0f;
        float mins = 0f;
        for (int s = 0; s < 8; s++) {
            float qx = 0f;
            float xs = 0f;
            for (int l = 0; l < 32; l++) {
                float xv = x[xAt + s * 32 + l];
                qx += quant(data, block, s * 32 + l) * xv;
                xs += xv;
            }
            scaled += Q4_KTensor.scale(data, block + SCALES, s) * qx;
            mins += Q4_KTensor.min(data, block + SCALES, s) * xs;
        }
        return Q4_KTensor.d(data, block) * scaled - Q4_KTensor.dmin(data, block) * mins;
    }

    /** dequantize_row_q5_K, operation for operation. */
    @Override
    public void dequantizeBlock(long block, float[] out, int outAt) {
        float d = Q4_KTensor.d(data, block);
        float min = Q4_KTensor.dmin(data, block);
        for (int s = 0; s < 8; s++) {
            float d1 = d * Q4_KTensor.scale(data, block + SCALES, s);
            float m1 = min * Q4_KTensor.min(data, block + SCALES, s);
            for (int l = 0; l < 32; l++) {
                out[outAt + s * 32 + l] = d1 * quant(data, block, s * 32 + l) - m1;
            }
        }
    }

    /** The quant of weight j of a super-block, in [0, 31]. */
    static int quant(MemorySegment data, long block, int j) {
        int l = j % 32;
        int b = data.get(BYTE, block + QS + (j / 64) * 32 + l) & 0xFF;
        int low = (j & 32) == 0 ? b & 0xF : b >> 4;
        return low | ((data.get(BYTE, block + QH + l) >> (j / 32)) & 1) << 4;
    }

    /**
     * {@link Q4_KTensor#dot} with the fifth bit: one sub-block of 32 at a time, qh[l] loaded
     * beside the packed byte, its bit s moved to bit 4.
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
                    ByteVector high = ByteVector.fromMemorySegment(s.bytes(), data, block + QH + j, ORDER);
                    for (int p = 0; p < parts; p++) {
                        IntVector u = (IntVector) packed.convertShape(VectorOperators.ZERO_EXTEND_B2I, s.ints(), p);
                        IntVector h = (IntVector) high.convertShape(VectorOperators.ZERO_EXTEND_B2I, s.ints(), p);
                        IntVector q5 = u.lanewise(VectorOperators.LSHR, shift).and(0x0F)
                                .or(h.lanewise(VectorOperators.LSHR, sub).and(1).lanewise(VectorOperators.LSHL, 4));
                        FloatVector xv = FloatVector.fromArray(s.floats(), x, xs0 + j + p * lanes);
                        qx = ((FloatVector) q5.convert(VectorOperators.I2F, 0)).fma(xv, qx);
                        xs = xs.add(xv);
                    }
                }
                long sc = block + SCALES;
                scaled = qx.fma(FloatVector.broadcast(s.floats(), Q4_KTensor.scale(data, sc, sub)), scaled);
                mins = xs.fma(FloatVector.broadcast(s.floats(), Q4_KTensor.min(data, sc, sub)), mins);
            }
            acc = scaled.fma(FloatVector.broadcast(s.floats(), Q4_KTensor.d(data, block)), acc);
            acc = mins.fma(FloatVector.broadcast(s.floats(), -Q4_KTensor.dmin(data, block)), acc);
        }
        return Lanes.sum(acc);
    }
}
