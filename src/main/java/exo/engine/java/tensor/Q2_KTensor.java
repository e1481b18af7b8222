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
 * ggml Q2_K (ggml-common.h {@code block_q2_K}, dequantize_row_q2_K): super-blocks of 256
 * weights, 84 bytes: 16 bytes of sub-block scales (low nibble) and mins (high nibble), 64
 * bytes {@code qs}, fp16 {@code d}, fp16 {@code dmin}. In half h of 128 weights, weight
 * 128h + 32k + l (k in [0, 4), l in [0, 32)) is bits 2k, 2k+1 of {@code qs[32h + l]}; sub-block
 * s = index / 16 decodes as {@code (d * sc_s) * q - (dmin * m_s)}.
 */
public record Q2_KTensor(MemorySegment data, long elements) implements KQuantTensor {

    static final int BLOCK_BYTES = 84;
    private static final int QS = 16;
    private static final int D = 80;

    public Q2_KTensor {
        WeightTensor.checkSize(GgmlType.Q2_K, data, elements);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q2_K;
    }

    @Override
    public float weight(long block, int j) {
        int sc = data.get(BYTE, block + j / 16) & 0xFF;
        float dl = d(data, block) * (sc & 0xF);
        float ml = dmin(data, block) * (sc >> 4);
        return dl * quant(data, block, j) - ml;
    }

    /** Per sub-block of 16: sums of q*x and x; then they take scales and mins, then d and dmin. */
    @Override
    public float dotBlock(long block, float[] x, int xAt) {
        float scaled = 0f;
        float mins = 0f;
        for (int s = 0; s < 16; s++) {
            float qx = 0f;
            float xs = 0f;
            for (int l = 0; l < 16; l++) {
                int j = s * 16 + l;
                float xv = x[xAt + j];
                qx += quant(data, block, j) * xv;
                xs += xv;
            }
            int sc = data.get(BYTE, block + s) & 0xFF;
            scaled += (sc & 0xF) * qx;
            mins += (sc >> 4) * xs;
        }
        return d(data, block) * scaled - dmin(data, block) * mins;
    }

    /** dequantize_row_q2_K: {@code dl = d * (sc & 0xF)}, {@code ml = min * (sc >> 4)}, then {@code dl * q - ml}. */
    @Override
    public void dequantizeBlock(long block, float[] out, int outAt) {
        float d = d(data, block);
        float min = dmin(data, block);
        for (int s = 0; s < 16; s++) {
            int sc = data.get(BYTE, block + s) & 0xFF;
            float dl = d * (sc & 0xF);
            float ml = min * (sc >> 4);
            for (int l = 0; l < 16; l++) {
                out[outAt + s * 16 + l] = dl * quant(data, block, s * 16 + l) - ml;
            }
        }
    }

    static float d(MemorySegment data, long block) {
        return Half.f16ToFloat(data.get(SHORT, block + D));
    }

    static float dmin(MemorySegment data, long block) {
        return Half.f16ToFloat(data.get(SHORT, block + D + 2));
    }

    /** The quant of weight j of a super-block, in [0, 3]. */
    static int quant(MemorySegment data, long block, int j) {
        return (data.get(BYTE, block + QS + 32 * (j / 128) + j % 32) >> (2 * ((j % 128) / 32))) & 3;
    }

    /**
     * One sub-block of 16 at a time (s: half h = s / 8, k = s / 2 % 4, positions l0 = 16 (s % 2)
     * onward): qs bytes widen to int lanes and bits 2k, 2k+1 are picked by a variable shift;
     * q*x and x are summed in float lanes, then take the scale and min, and per super-block d
     * and dmin, as {@link #dotBlock}. A byte species holds at most 16 lanes, so a load never
     * spans two sub-blocks; a small loop body keeps C2 within its inlining budget, past which
     * Vector API calls stop being intrinsics and box.
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
            for (int sub = 0; sub < 16; sub++) {
                int half = sub >> 3;
                int k = (sub >> 1) & 3;
                long qs = block + QS + 32 * half + (sub & 1) * 16;
                int xs0 = xOffset + i + sub * 16;
                FloatVector qx = zero;
                FloatVector xs = zero;
                for (int l = 0; l < 16; l += step) {
                    ByteVector packed = ByteVector.fromMemorySegment(s.bytes(), data, qs + l, ORDER);
                    for (int p = 0; p < parts; p++) {
                        IntVector a = (IntVector) packed.convertShape(VectorOperators.ZERO_EXTEND_B2I, s.ints(), p);
                        FloatVector q = (FloatVector) a.lanewise(VectorOperators.LSHR, 2 * k).and(3)
                                .convert(VectorOperators.I2F, 0);
                        FloatVector xv = FloatVector.fromArray(s.floats(), x, xs0 + l + p * lanes);
                        qx = q.fma(xv, qx);
                        xs = xs.add(xv);
                    }
                }
                int sc = data.get(BYTE, block + sub) & 0xFF;
                scaled = qx.fma(FloatVector.broadcast(s.floats(), sc & 0xF), scaled);
                mins = xs.fma(FloatVector.broadcast(s.floats(), sc >> 4), mins);
            }
            acc = scaled.fma(FloatVector.broadcast(s.floats(), d(data, block)), acc);
            acc = mins.fma(FloatVector.broadcast(s.floats(), -dmin(data, block)), acc);
        }
        return Lanes.sum(acc);
    }
}
