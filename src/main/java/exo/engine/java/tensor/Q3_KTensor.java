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
    public float weight(long block, int j) {
        float dl = d(data, block) * scale(data, block, j / 16);
        return dl * quant(data, block, j);
    }

    /** Per sub-block of 16: sum q*x in f32; those sums take their scales, then d. */
    @Override
    public float dotBlock(long block, float[] x, int xAt) {
        float scaled = 0f;
        for (int s = 0; s < 16; s++) {
            float qx = 0f;
            for (int l = 0; l < 16; l++) {
                int j = s * 16 + l;
                qx += quant(data, block, j) * x[xAt + j];
            }
            scaled += scale(data, block, s) * qx;
        }
        return d(data, block) * scaled;
    }

    /** dequantize_row_q3_K: {@code dl = d_all * (scale - 32)}, then {@code dl * q}. */
    @Override
    public void dequantizeBlock(long block, float[] out, int outAt) {
        float d = d(data, block);
        for (int s = 0; s < 16; s++) {
            float dl = d * scale(data, block, s);
            for (int l = 0; l < 16; l++) {
                out[outAt + s * 16 + l] = dl * quant(data, block, s * 16 + l);
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
     * One sub-block of 16 at a time (s: half h = s / 8, k = s / 2 % 4, positions l0 = 16 (s % 2)
     * onward): qs and hmask bytes widen to int lanes, bits 2k, 2k+1 and the high bit 4h + k
     * are picked by variable shifts, (2 bits | high << 2) - 4; q*x is summed in float lanes,
     * then takes the scale, and per super-block d, as {@link #dotBlock}. A byte species holds
     * at most 16 lanes, so a load never spans two sub-blocks; a small loop body keeps C2 within
     * its inlining budget, past which Vector API calls stop being intrinsics and box.
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
            for (int sub = 0; sub < 16; sub++) {
                int half = sub >> 3;
                int k = (sub >> 1) & 3;
                int l0 = (sub & 1) * 16;
                long qs = block + QS + 32 * half + l0;
                long hm = block + l0;
                int bit = 4 * half + k;
                int xs0 = xOffset + i + sub * 16;
                FloatVector qx = zero;
                for (int l = 0; l < 16; l += step) {
                    ByteVector lo = ByteVector.fromMemorySegment(s.bytes(), data, qs + l, ORDER);
                    ByteVector hi = ByteVector.fromMemorySegment(s.bytes(), data, hm + l, ORDER);
                    for (int p = 0; p < parts; p++) {
                        IntVector a = (IntVector) lo.convertShape(VectorOperators.ZERO_EXTEND_B2I, s.ints(), p);
                        IntVector h = (IntVector) hi.convertShape(VectorOperators.ZERO_EXTEND_B2I, s.ints(), p);
                        IntVector q = a.lanewise(VectorOperators.LSHR, 2 * k).and(3)
                                .or(h.lanewise(VectorOperators.LSHR, bit).and(1).lanewise(VectorOperators.LSHL, 2))
                                .sub(4);
                        FloatVector xv = FloatVector.fromArray(s.floats(), x, xs0 + l + p * lanes);
                        qx = ((FloatVector) q.convert(VectorOperators.I2F, 0)).fma(xv, qx);
                    }
                }
                scaled = qx.fma(FloatVector.broadcast(s.floats(), scale(data, block, sub)), scaled);
            }
            acc = scaled.fma(FloatVector.broadcast(s.floats(), d(data, block)), acc);
        }
        return Lanes.sum(acc);
    }
}
