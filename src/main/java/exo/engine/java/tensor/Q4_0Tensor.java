package exo.engine.java.tensor;

import exo.gguf.GgmlType;
import static exo.engine.java.tensor.Layouts.BYTE;
import static exo.engine.java.tensor.Layouts.ORDER;
import static exo.engine.java.tensor.Layouts.SHORT;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q4_0 (ggml-common.h {@code block_q4_0}, dequantize_row_q4_0): blocks of 32 weights, each
 * an fp16 scale {@code d} then 16 bytes; for j in [0, 16), weight j = d * ((byte j & 0xF) - 8)
 * and weight j + 16 = d * ((byte j >> 4) - 8). 18 bytes per block.
 */
public record Q4_0Tensor(MemorySegment data, long elements) implements WeightTensor {

    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 18;

    public Q4_0Tensor {
        WeightTensor.checkSize(GgmlType.Q4_0, data, elements);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    public float get(long index) {
        long block = (index / BLOCK) * BLOCK_BYTES;
        int j = (int) (index % BLOCK);
        return scale(data, block) * nibble(data, block, j);
    }

    @Override
    public float dot(long offset, float[] x, int xOffset, int n) {
        WeightTensor.checkRange(GgmlType.Q4_0, elements, offset, n, x, xOffset);
        return dot(VectorWidth.PREFERRED, data, offset, x, xOffset, n);
    }

    /** Per block: sum q*x in f32, then scale. */
    @Override
    public float dotScalar(long offset, float[] x, int xOffset, int n) {
        WeightTensor.checkRange(GgmlType.Q4_0, elements, offset, n, x, xOffset);
        float sum = 0f;
        long block = (offset / BLOCK) * BLOCK_BYTES;
        for (int i = 0; i < n; i += BLOCK, block += BLOCK_BYTES) {
            float blockSum = 0f;
            for (int j = 0; j < BLOCK; j++) {
                blockSum += nibble(data, block, j) * x[xOffset + i + j];
            }
            sum += scale(data, block) * blockSum;
        }
        return sum;
    }

    @Override
    public void dequantize(long offset, float[] out, int outOffset, int n) {
        WeightTensor.checkRange(GgmlType.Q4_0, elements, offset, n, out, outOffset);
        long block = (offset / BLOCK) * BLOCK_BYTES;
        for (int i = 0; i < n; i += BLOCK, block += BLOCK_BYTES) {
            float d = scale(data, block);
            for (int j = 0; j < BLOCK; j++) {
                out[outOffset + i + j] = d * nibble(data, block, j);
            }
        }
    }

    static float scale(MemorySegment data, long blockByteOffset) {
        return Half.f16ToFloat(data.get(SHORT, blockByteOffset));
    }

    /** The quant of weight j of a block, in [-8, 7]. */
    static int nibble(MemorySegment data, long blockByteOffset, int j) {
        int b = data.get(BYTE, blockByteOffset + 2 + (j & 15));
        return (j < 16 ? b & 0xF : (b >> 4) & 0xF) - 8;
    }

    /**
     * Each load of packed bytes yields two sets of quants in byte lanes: low nibbles (weights
     * j..) and high nibbles (weights j+16..), both re-centred by -8 before widening to floats.
     */
    static float dot(VectorWidth width, MemorySegment data, long offset, float[] x, int xOffset, int n) {
        Species s = width.species();
        int lanes = s.floats().length();
        int step = s.bytes().length();
        int parts = s.byteParts();
        FloatVector acc = FloatVector.zero(s.floats());
        long block = (offset / BLOCK) * BLOCK_BYTES;
        for (int i = 0; i < n; i += BLOCK, block += BLOCK_BYTES) {
            FloatVector blockSum = FloatVector.zero(s.floats());
            for (int j = 0; j < 16; j += step) {
                ByteVector packed = ByteVector.fromMemorySegment(s.bytes(), data, block + 2 + j, ORDER);
                ByteVector lo = packed.and((byte) 0x0F).sub((byte) 8);
                ByteVector hi = packed.lanewise(VectorOperators.LSHR, 4).sub((byte) 8);
                for (int p = 0; p < parts; p++) {
                    int xi = xOffset + i + j + p * lanes;
                    FloatVector wLo = (FloatVector) lo.convertShape(VectorOperators.B2F, s.floats(), p);
                    FloatVector wHi = (FloatVector) hi.convertShape(VectorOperators.B2F, s.floats(), p);
                    blockSum = wLo.fma(FloatVector.fromArray(s.floats(), x, xi), blockSum);
                    blockSum = wHi.fma(FloatVector.fromArray(s.floats(), x, xi + 16), blockSum);
                }
            }
            acc = blockSum.fma(FloatVector.broadcast(s.floats(), scale(data, block)), acc);
        }
        return Lanes.sum(acc);
    }
}
