package exo.engine.java.tensor;

import exo.gguf.GgmlType;
import static exo.engine.java.tensor.Layouts.BYTE;
import static exo.engine.java.tensor.Layouts.ORDER;
import static exo.engine.java.tensor.QuantizedTensor.scale;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * ggml Q8_0 (ggml-common.h {@code block_q8_0}): blocks of 32 weights, each an fp16 scale
 * {@code d} then 32 int8 {@code q}; weight = d * q. 34 bytes per block.
 */
public record Q8_0Tensor(MemorySegment data, long elements) implements QuantizedTensor {

    static final int BLOCK_BYTES = 34;

    public Q8_0Tensor {
        WeightTensor.checkSize(GgmlType.Q8_0, data, elements);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public int quant(long block, int j) {
        return data.get(BYTE, block + 2 + j);
    }

    @Override
    public float dotQ8(long offset, Q8Activation x, int xOffset, int n) {
        WeightTensor.checkRange(GgmlType.Q8_0, elements, offset, n);
        x.checkRange(xOffset, n);
        return dotQ8(VectorWidth.PREFERRED, data, offset, x.quants, x.scales, xOffset, n);
    }

    /**
     * The int8 lanes of a block widen straight into float lanes (B2F), meet x in one FMA each,
     * and the block's partial sums take its scale in one more FMA; the lanes are summed once, at
     * the end. {@code offset} and {@code n} are whole blocks.
     */
    static float dot(VectorWidth width, MemorySegment data, long offset, float[] x, int xOffset, int n) {
        Species s = width.species();
        int lanes = s.floats().length();
        int step = s.bytes().length();
        FloatVector acc = FloatVector.zero(s.floats());
        long block = (offset / BLOCK) * BLOCK_BYTES;
        for (int i = 0; i < n; i += BLOCK, block += BLOCK_BYTES) {
            FloatVector blockSum = FloatVector.zero(s.floats());
            for (int j = 0; j < BLOCK; j += step) {
                ByteVector q = ByteVector.fromMemorySegment(s.bytes(), data, block + 2 + j, ORDER);
                for (int p = 0; p < s.byteParts(); p++) {
                    FloatVector w = (FloatVector) q.convertShape(VectorOperators.B2F, s.floats(), p);
                    blockSum = w.fma(FloatVector.fromArray(s.floats(), x, xOffset + i + j + p * lanes), blockSum);
                }
            }
            acc = blockSum.fma(FloatVector.broadcast(s.floats(), scale(data, block)), acc);
        }
        return Lanes.sum(acc);
    }

    /**
     * {@link #dot} of one row against four x vectors, {@code xStride} apart (batched prefill):
     * each block is loaded and widened once for the four. Per x, the operations and their order
     * are exactly those of {@link #dot}. Results go to {@code out[outOffset + k * outStride]}.
     */
    static void dotCols4(VectorWidth width, MemorySegment data, long offset, float[] x, int xOffset, int xStride,
                         int n, float[] out, int outOffset, int outStride) {
        Species s = width.species();
        int lanes = s.floats().length();
        int step = s.bytes().length();
        FloatVector acc0 = FloatVector.zero(s.floats());
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        int x1 = xOffset + xStride;
        int x2 = x1 + xStride;
        int x3 = x2 + xStride;
        long block = (offset / BLOCK) * BLOCK_BYTES;
        for (int i = 0; i < n; i += BLOCK, block += BLOCK_BYTES) {
            FloatVector s0 = FloatVector.zero(s.floats());
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (int j = 0; j < BLOCK; j += step) {
                ByteVector q = ByteVector.fromMemorySegment(s.bytes(), data, block + 2 + j, ORDER);
                for (int p = 0; p < s.byteParts(); p++) {
                    FloatVector w = (FloatVector) q.convertShape(VectorOperators.B2F, s.floats(), p);
                    int at = i + j + p * lanes;
                    s0 = w.fma(FloatVector.fromArray(s.floats(), x, xOffset + at), s0);
                    s1 = w.fma(FloatVector.fromArray(s.floats(), x, x1 + at), s1);
                    s2 = w.fma(FloatVector.fromArray(s.floats(), x, x2 + at), s2);
                    s3 = w.fma(FloatVector.fromArray(s.floats(), x, x3 + at), s3);
                }
            }
            FloatVector d = FloatVector.broadcast(s.floats(), scale(data, block));
            acc0 = s0.fma(d, acc0);
            acc1 = s1.fma(d, acc1);
            acc2 = s2.fma(d, acc2);
            acc3 = s3.fma(d, acc3);
        }
        out[outOffset] = Lanes.sum(acc0);
        out[outOffset + outStride] = Lanes.sum(acc1);
        out[outOffset + 2 * outStride] = Lanes.sum(acc2);
        out[outOffset + 3 * outStride] = Lanes.sum(acc3);
    }

    /**
     * int8 weights widen to int16 lanes and multiply the int16 activations; two chunks of
     * products may share a lane before widening to int32, since |q_w q_x| <= 128 * 127 and
     * twice that still fits in 16 bits. The exact block sum then takes both scales in one FMA.
     *
     * <p>Everything is in this one method on purpose: a helper taking a species or a vector,
     * compiled on its own, would box its vectors and run ~100x slower (see {@link VectorWidth}).
     */
    static float dotQ8(VectorWidth width, MemorySegment data, long offset, short[] xq, float[] xd, int xOffset,
                       int n) {
        Species s = width.species();
        VectorSpecies<Short> shorts = s.pairShorts();
        VectorSpecies<Byte> bytes = s.pairBytes();
        int k = shorts.length();
        int parts = s.pairByteParts();
        int chunks = BLOCK / k;
        FloatVector acc = FloatVector.zero(s.floats());
        long block = (offset / BLOCK) * BLOCK_BYTES;
        for (int i = 0; i < n; i += BLOCK, block += BLOCK_BYTES) {
            int xi = xOffset + i;
            IntVector blockSum = IntVector.zero(s.ints());
            for (int c = 0; c < chunks; c += 2) {
                ShortVector products = ((ShortVector) ByteVector
                        .fromMemorySegment(bytes, data, block + 2 + (long) (c / parts) * bytes.length(), ORDER)
                        .convertShape(VectorOperators.B2S, shorts, c % parts))
                        .mul(ShortVector.fromArray(shorts, xq, xi + c * k));
                if (c + 1 < chunks) {
                    products = products.add(((ShortVector) ByteVector
                            .fromMemorySegment(bytes, data, block + 2 + (long) ((c + 1) / parts) * bytes.length(), ORDER)
                            .convertShape(VectorOperators.B2S, shorts, (c + 1) % parts))
                            .mul(ShortVector.fromArray(shorts, xq, xi + (c + 1) * k)));
                }
                // Adjacent int16 lanes to int32 (pmaddwd's second half; the Vector API has no such
                // operation): an int32 lane holds hi << 16 | lo, and arithmetic shifts split it.
                IntVector pairs = products.reinterpretAsInts();
                blockSum = blockSum.add(pairs.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16))
                        .add(pairs.lanewise(VectorOperators.ASHR, 16));
            }
            float scale = scale(data, block) * xd[xi / BLOCK];
            acc = ((FloatVector) blockSum.convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(s.floats(), scale), acc);
        }
        return Lanes.sum(acc);
    }
}
