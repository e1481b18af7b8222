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
    public float weight(long block, int j) {
        return d(data, block) * scale(data, block, j / 16) * quant(data, block, j);
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

    /** dequantize_row_q6_K: {@code d * sc * q} evaluated left to right, as C does. */
    @Override
    public void dequantizeBlock(long block, float[] out, int outAt) {
        float d = d(data, block);
        for (int j = 0; j < QK_K; j++) {
            out[outAt + j] = d * scale(data, block, j / 16) * quant(data, block, j);
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
     * One sub-block of 16 at a time (s: half h = s / 8, quarter k = s / 2 % 4, positions
     * l0 = 16 (s % 2) onward): its ql and qh bytes widen to int lanes, the nibble and the two
     * high bits are picked by variable shifts; q*x is summed in float lanes, then takes the
     * scale, and per super-block d, as {@link #dotBlock}. A byte species holds at most 16
     * lanes, so a load never spans two sub-blocks. One sub-block per pass (rather than the
     * four that share a qh byte) keeps the loop body small: past C2's inlining budget, Vector
     * API calls stop being intrinsics and box.
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
                long ql = block + 64 * half + 32 * (k & 1) + l0;
                long qh = block + QH + 32 * half + l0;
                int nibble = 4 * (k >> 1);
                int xs0 = xOffset + i + sub * 16;
                FloatVector qx = zero;
                for (int l = 0; l < 16; l += step) {
                    ByteVector lo = ByteVector.fromMemorySegment(s.bytes(), data, ql + l, ORDER);
                    ByteVector hi = ByteVector.fromMemorySegment(s.bytes(), data, qh + l, ORDER);
                    for (int p = 0; p < parts; p++) {
                        IntVector a = (IntVector) lo.convertShape(VectorOperators.ZERO_EXTEND_B2I, s.ints(), p);
                        IntVector h = (IntVector) hi.convertShape(VectorOperators.ZERO_EXTEND_B2I, s.ints(), p);
                        IntVector q = a.lanewise(VectorOperators.LSHR, nibble).and(0xF)
                                .or(h.lanewise(VectorOperators.LSHR, 2 * k).and(3).lanewise(VectorOperators.LSHL, 4))
                                .sub(32);
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
