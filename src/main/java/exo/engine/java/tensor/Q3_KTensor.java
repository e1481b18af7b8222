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
 * ggml Q3_K (ggml-common.h {@code block_q3_K}, dequantize_row_q3_K): super-blocks of 256
 * weights, 110 bytes: 32 bytes {@code hmask}, 64 bytes {@code qs}, 12 bytes of sixteen 6-bit
 * scales ({@link #scale}), fp16 {@code d}. In half h of 128 weights, weight 128h + 32k + l
 * (k in [0, 4), l in [0, 32)) takes bits 2k, 2k+1 of {@code qs[32h + l]} and, as its third
 * bit, bit 4h + k of {@code hmask[l]}; a clear high bit means minus 4. Sub-block s = index / 16
 * decodes as {@code (d * (scale_s - 32)) * q}, q in [-4, 3].
 */
public record Q3_KTensor(MemorySegment data, long elements) implements KQuantTensor {

    static final int BLOCK_BYTES = 110;
    private static final int QS = 32;
    private static final int SCALES = 96;
    private static final int D = 108;

    public Q3_KTensor {
        WeightTensor.checkSize(GgmlType.Q3_K, data, elements);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q3_K;
    }

    @Override
    public float get(long index) {
        long block = (index / QK_K) * BLOCK_BYTES;
        int i = (int) (index % QK_K);
        float dl = d(data, block) * scale(data, block, i / 16);
        return dl * quant(data, block, i);
    }

    @Override
    public float dot(long offset, float[] x, int xOffset, int n) {
        WeightTensor.checkRange(GgmlType.Q3_K, elements, offset, n, x, xOffset);
        return dot(VectorWidth.PREFERRED, data, offset, x, xOffset, n);
    }

    /** Per sub-block of 16: sum q*x in f32; per super-block those sums take their scales, then d. */
    @Override
    public float dotScalar(long offset, float[] x, int xOffset, int n) {
        WeightTensor.checkRange(GgmlType.Q3_K, elements, offset, n, x, xOffset);
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

    /** dequantize_row_q3_K: {@code dl = d_all * (scale - 32)}, then {@code dl * q}. */
    @Override
    public void dequantize(long offset, float[] out, int outOffset, int n) {
        WeightTensor.checkRange(GgmlType.Q3_K, elements, offset, n, out, outOffset);
        long block = (offset / QK_K) * BLOCK_BYTES;
        for (int i = 0; i < n; i += QK_K, block += BLOCK_BYTES) {
            float d = d(data, block);
            for (int s = 0; s < 16; s++) {
                float dl = d * scale(data, block, s);
                for (int l = 0; l < 16; l++) {
                    out[outOffset + i + s * 16 + l] = dl * quant(data, block, s * 16 + l);
                }
            }
        }
    }

    static float d(MemorySegment data, long block) {
        return Half.f16ToFloat(data.get(SHORT, block + D));
    }

    /**
     * Sub-block s's scale, re-centred to [-32, 31]. dequantize_row_q3_K unpacks the 12 bytes with
     * kmask1/kmask2 into 16 bytes: the low 4 bits are the low nibble of byte s (s < 8) or the high
     * nibble of byte s - 8, the high 2 bits are bits 2(s / 4), 2(s / 4) + 1 of byte 8 + s % 4.
     */
    static int scale(MemorySegment data, long block, int s) {
        long scales = block + SCALES;
        int low = ((data.get(BYTE, scales + (s & 7)) & 0xFF) >> (s < 8 ? 0 : 4)) & 0xF;
        int high = ((data.get(BYTE, scales + 8 + (s & 3)) & 0xFF) >> (2 * (s / 4))) & 3;
        return (low | high << 4) - 32;
    }

    /** The quant of weight j of a super-block, in [-4, 3]. */
    static int quant(MemorySegment data, long block, int j) {
        int half = j / 128;
        int k = (j % 128) / 32;
        int l = j % 32;
        int q = (data.get(BYTE, block + QS + 32 * half + l) >> (2 * k)) & 3;
        int h = (data.get(BYTE, block + l) >> (4 * half + k)) & 1;
        return q - (h == 0 ? 4 : 0);
    }

    /**
     * Per half: one load each of qs[l] and hmask[l] yields the quants of four sub-blocks
     * (weights l, l + 32, l + 64, l + 96), as (2 bits | high bit << 2) - 4. Byte species hold
     * at most 16 lanes, so a load never spans two sub-blocks; after each 16 positions the four
     * sums take their scales, and after the super-block d, as in {@link #dotScalar}.
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
                long qs = block + QS + 32 * half;
                int xh = xOffset + i + 128 * half;
                for (int l0 = 0; l0 < 32; l0 += 16) {
                    FloatVector s0 = zero;
                    FloatVector s1 = zero;
                    FloatVector s2 = zero;
                    FloatVector s3 = zero;
                    for (int l = l0; l < l0 + 16; l += step) {
                        ByteVector q = ByteVector.fromMemorySegment(s.bytes(), data, qs + l, ORDER);
                        ByteVector m = ByteVector.fromMemorySegment(s.bytes(), data, block + l, ORDER);
                        for (int p = 0; p < parts; p++) {
                            int xi = xh + l + p * lanes;
                            IntVector qv = (IntVector) q.convertShape(VectorOperators.ZERO_EXTEND_B2I, s.ints(), p);
                            // hmask bits 4h..4h+3, each moved to bit 2 of its quant.
                            IntVector hv = ((IntVector) m.convertShape(VectorOperators.ZERO_EXTEND_B2I, s.ints(), p))
                                    .lanewise(VectorOperators.LSHR, 4 * half).lanewise(VectorOperators.LSHL, 2);
                            s0 = quants(qv, hv, 0).fma(FloatVector.fromArray(s.floats(), x, xi), s0);
                            s1 = quants(qv, hv, 1).fma(FloatVector.fromArray(s.floats(), x, xi + 32), s1);
                            s2 = quants(qv, hv, 2).fma(FloatVector.fromArray(s.floats(), x, xi + 64), s2);
                            s3 = quants(qv, hv, 3).fma(FloatVector.fromArray(s.floats(), x, xi + 96), s3);
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

    /** Quants k of a load: bits 2k, 2k+1 of qv, bit k + 2 of hv (already shifted), less 4. */
    private static FloatVector quants(IntVector qv, IntVector hv, int k) {
        IntVector q = qv.lanewise(VectorOperators.LSHR, 2 * k).and(3)
                .or(hv.lanewise(VectorOperators.LSHR, k).and(4)).sub(4);
        return (FloatVector) q.convert(VectorOperators.I2F, 0);
    }
}
