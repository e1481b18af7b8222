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
 * ggml Q6_K (ggml-common.h {@code block_q6_K}, dequantize_row_q6_K): super-blocks of 256
 * weights, 210 bytes: 128 bytes {@code ql} (low 4 bits), 64 bytes {@code qh} (high 2 bits),
 * 16 int8 scales, and the fp16 {@code d} last. In each half h of 128 weights, weight
 * 128h + 32k + l (k in [0, 4), l in [0, 32)) takes the low (k < 2) or high nibble of
 * {@code ql[64h + 32(k & 1) + l]} and bits 2k, 2k+1 of {@code qh[32h + l]}; it decodes as
 * {@code (d * scale[index / 16]) * (q - 32)}.
 */
public record Q6_KTensor(MemorySegment data, long elements) implements KQuantTensor {

    static final int BLOCK_BYTES = 210;
    private static final int QH = 128;
    private static final int SCALES = 192;
    private static final int D = 208;

    public Q6_KTensor {
        WeightTensor.checkSize(GgmlType.Q6_K, data, elements);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    @Override
    public float get(long index) {
        long block = (index / QK_K) * BLOCK_BYTES;
        int i = (int) (index % QK_K);
        return d(data, block) * scale(data, block, i / 16) * quant(data, block, i);
    }

    @Override
    public float dot(long offset, float[] x, int xOffset, int n) {
        WeightTensor.checkRange(GgmlType.Q6_K, elements, offset, n, x, xOffset);
        return dot(VectorWidth.PREFERRED, data, offset, x, xOffset, n);
    }

    /** Per sub-block of 16: sum q*x in f32; per super-block those sums take their scales, then d. */
    @Override
    public float dotScalar(long offset, float[] x, int xOffset, int n) {
        WeightTensor.checkRange(GgmlType.Q6_K, elements, offset, n, x, xOffset);
        float sum = 0f;
        long block = (offset / QK_K) * BLOCK_BYTES;
        for (int i = 0; i < n; i += QK_K, block += BLOCK_BYTES) {
            float scaled = 0f;
            for (int s = 0; s < 16; s++) {
                float qx = 0f;
                for (int l = 0; l < 16; l++) {
                    int j = s * 16 + l;
                    qx += quant(data, block, j) * x[xOffset + i + j];
                }
                scaled += scale(data, block, s) * qx;
            }
            sum += d(data, block) * scaled;
        }
        return sum;
    }

    /** dequantize_row_q6_K: {@code d * sc * q} evaluated left to right, as C does. */
    @Override
    public void dequantize(long offset, float[] out, int outOffset, int n) {
        WeightTensor.checkRange(GgmlType.Q6_K, elements, offset, n, out, outOffset);
        long block = (offset / QK_K) * BLOCK_BYTES;
        for (int i = 0; i < n; i += QK_K, block += BLOCK_BYTES) {
            float d = d(data, block);
            for (int j = 0; j < QK_K; j++) {
                out[outOffset + i + j] = d * scale(data, block, j / 16) * quant(data, block, j);
            }
        }
    }

    static float d(MemorySegment data, long block) {
        return Half.f16ToFloat(data.get(SHORT, block + D));
    }

    /** The signed 8-bit scale of sub-block s (16 weights). */
    static int scale(MemorySegment data, long block, int s) {
        return data.get(BYTE, block + SCALES + s);
    }

    /** The quant of weight j of a super-block, in [-32, 31]. */
    static int quant(MemorySegment data, long block, int j) {
        int half = j / 128;
        int k = (j % 128) / 32;
        int l = j % 32;
        int low = data.get(BYTE, block + 64 * half + 32 * (k & 1) + l) & 0xFF;
        int high = data.get(BYTE, block + QH + 32 * half + l) & 0xFF;
        return ((k < 2 ? low & 0xF : low >> 4) | ((high >> (2 * k)) & 3) << 4) - 32;
    }

    /**
     * Per half: one load each of ql[l], ql[l + 32] and qh[l] yields the quants of four
     * sub-blocks (weights l, l + 32, l + 64, l + 96). A load never spans two sub-blocks, as
     * byte species hold at most 16 lanes; after each 16 positions the four sums take their
     * scales, and after the super-block the sum takes d, as in {@link #dotScalar}.
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
            for (int half = 0; half < 2; half++) {
                long ql = block + 64 * half;
                long qh = block + QH + 32 * half;
                int xh = xOffset + i + 128 * half;
                for (int l0 = 0; l0 < 32; l0 += 16) {
                    FloatVector s0 = zero;
                    FloatVector s1 = zero;
                    FloatVector s2 = zero;
                    FloatVector s3 = zero;
                    for (int l = l0; l < l0 + 16; l += step) {
                        ByteVector a = ByteVector.fromMemorySegment(s.bytes(), data, ql + l, ORDER);
                        ByteVector b = ByteVector.fromMemorySegment(s.bytes(), data, ql + l + 32, ORDER);
                        ByteVector h = ByteVector.fromMemorySegment(s.bytes(), data, qh + l, ORDER);
                        for (int p = 0; p < parts; p++) {
                            int xi = xh + l + p * lanes;
                            IntVector av = (IntVector) a.convertShape(VectorOperators.ZERO_EXTEND_B2I, s.ints(), p);
                            IntVector bv = (IntVector) b.convertShape(VectorOperators.ZERO_EXTEND_B2I, s.ints(), p);
                            IntVector hv = (IntVector) h.convertShape(VectorOperators.ZERO_EXTEND_B2I, s.ints(), p);
                            IntVector q0 = av.and(0xF).or(hv.and(3).lanewise(VectorOperators.LSHL, 4));
                            IntVector q1 = bv.and(0xF).or(hv.and(0xC).lanewise(VectorOperators.LSHL, 2));
                            IntVector q2 = av.lanewise(VectorOperators.LSHR, 4).or(hv.and(0x30));
                            IntVector q3 = bv.lanewise(VectorOperators.LSHR, 4)
                                    .or(hv.lanewise(VectorOperators.LSHR, 2).and(0x30));
                            s0 = toFloat(q0.sub(32)).fma(FloatVector.fromArray(s.floats(), x, xi), s0);
                            s1 = toFloat(q1.sub(32)).fma(FloatVector.fromArray(s.floats(), x, xi + 32), s1);
                            s2 = toFloat(q2.sub(32)).fma(FloatVector.fromArray(s.floats(), x, xi + 64), s2);
                            s3 = toFloat(q3.sub(32)).fma(FloatVector.fromArray(s.floats(), x, xi + 96), s3);
                        }
                    }
                    int sub = 8 * half + l0 / 16;
                    scaled = s0.fma(FloatVector.broadcast(s.floats(), scale(data, block, sub)), scaled);
                    scaled = s1.fma(FloatVector.broadcast(s.floats(), scale(data, block, sub + 2)), scaled);
                    scaled = s2.fma(FloatVector.broadcast(s.floats(), scale(data, block, sub + 4)), scaled);
                    scaled = s3.fma(FloatVector.broadcast(s.floats(), scale(data, block, sub + 6)), scaled);
                }
            }
            acc = scaled.fma(FloatVector.broadcast(s.floats(), d(data, block)), acc);
        }
        return Lanes.sum(acc);
    }

    private static FloatVector toFloat(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }
}
