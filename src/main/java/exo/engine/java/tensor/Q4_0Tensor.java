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
 * ggml Q4_0 (ggml-common.h {@code block_q4_0}, dequantize_row_q4_0): blocks of 32 weights, each
 * an fp16 scale {@code d} then 16 bytes; for j in [0, 16), weight j = d * ((byte j & 0xF) - 8)
 * and weight j + 16 = d * ((byte j >> 4) - 8). 18 bytes per block.
 */
public record Q4_0Tensor(MemorySegment data, long elements) implements QuantizedTensor {

    static final int BLOCK_BYTES = 18;
    /** The integer kernel's widest species: 16 int16 lanes, one per packed byte of a block. */
    private static final Species INT_CAP = Species.ofFloatBits(256);

    public Q4_0Tensor {
        WeightTensor.checkSize(GgmlType.Q4_0, data, elements);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    /** In [-8, 7]. */
    @Override
    public int quant(long block, int j) {
        int b = data.get(BYTE, block + 2 + (j & 15));
        return (j < 16 ? b & 0xF : (b >> 4) & 0xF) - 8;
    }

    @Override
    public float dotQ8(long offset, Q8Activation x, int xOffset, int n) {
        WeightTensor.checkRange(GgmlType.Q4_0, elements, offset, n);
        x.checkRange(xOffset, n);
        return dotQ8(VectorWidth.PREFERRED, data, offset, x.quants, x.scales, x.sums, xOffset, n);
    }

    /**
     * Each load of packed bytes yields two sets of quants: low nibbles (weights j..) and high
     * nibbles (weights j+16..). The bytes widen (zero-extended) to int lanes, where the nibbles
     * are split and re-centred by -8, then convert to floats; per block, quants times x are
     * summed, then the sum takes the block's scale.
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
                for (int p = 0; p < parts; p++) {
                    int xi = xOffset + i + j + p * lanes;
                    IntVector u = (IntVector) packed.convertShape(VectorOperators.ZERO_EXTEND_B2I, s.ints(), p);
                    FloatVector wLo = (FloatVector) u.and(0x0F).sub(8).convert(VectorOperators.I2F, 0);
                    FloatVector wHi = (FloatVector) u.lanewise(VectorOperators.LSHR, 4).sub(8)
                            .convert(VectorOperators.I2F, 0);
                    blockSum = wLo.fma(FloatVector.fromArray(s.floats(), x, xi), blockSum);
                    blockSum = wHi.fma(FloatVector.fromArray(s.floats(), x, xi + 16), blockSum);
                }
            }
            acc = blockSum.fma(FloatVector.broadcast(s.floats(), scale(data, block)), acc);
        }
        return Lanes.sum(acc);
    }

    /**
     * {@link #dot} of one row against four x vectors, {@code xStride} apart (batched prefill):
     * each block is unpacked once for the four. Per x, the operations and their order are
     * exactly those of {@link #dot}. Results go to {@code out[outOffset + k * outStride]}.
     */
    static void dotCols4(VectorWidth width, MemorySegment data, long offset, float[] x, int xOffset, int xStride,
                         int n, float[] out, int outOffset, int outStride) {
        Species s = width.species();
        int lanes = s.floats().length();
        int step = s.bytes().length();
        int parts = s.byteParts();
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
            for (int j = 0; j < 16; j += step) {
                ByteVector packed = ByteVector.fromMemorySegment(s.bytes(), data, block + 2 + j, ORDER);
                for (int p = 0; p < parts; p++) {
                    int at = i + j + p * lanes;
                    IntVector u = (IntVector) packed.convertShape(VectorOperators.ZERO_EXTEND_B2I, s.ints(), p);
                    FloatVector wLo = (FloatVector) u.and(0x0F).sub(8).convert(VectorOperators.I2F, 0);
                    FloatVector wHi = (FloatVector) u.lanewise(VectorOperators.LSHR, 4).sub(8)
                            .convert(VectorOperators.I2F, 0);
                    s0 = wLo.fma(FloatVector.fromArray(s.floats(), x, xOffset + at), s0);
                    s0 = wHi.fma(FloatVector.fromArray(s.floats(), x, xOffset + at + 16), s0);
                    s1 = wLo.fma(FloatVector.fromArray(s.floats(), x, x1 + at), s1);
                    s1 = wHi.fma(FloatVector.fromArray(s.floats(), x, x1 + at + 16), s1);
                    s2 = wLo.fma(FloatVector.fromArray(s.floats(), x, x2 + at), s2);
                    s2 = wHi.fma(FloatVector.fromArray(s.floats(), x, x2 + at + 16), s2);
                    s3 = wLo.fma(FloatVector.fromArray(s.floats(), x, x3 + at), s3);
                    s3 = wHi.fma(FloatVector.fromArray(s.floats(), x, x3 + at + 16), s3);
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
     * Multiplies the raw nibbles u in [0, 15] and takes sum((u - 8) x) = sum(u x) - 8 sum(x) per
     * block, with sum(x) precomputed by {@link Q8Activation}: this saves the re-centring, and
     * widening the packed bytes to int16 before splitting the nibbles avoids byte shifts, which
     * x86 lacks. u x stays within 15 * 127, so a whole block's products (at most 8 per int16
     * lane) are summed in int16 and widened to int32 once. A lane pairs with one packed byte, so
     * the widest useful int16 vector has 16 lanes: wider widths run this kernel at 256 bits.
     *
     * <p>All in one method on purpose: see {@link Q8_0Tensor#dotQ8(VectorWidth, MemorySegment,
     * long, short[], float[], int, int)}.
     */
    static float dotQ8(VectorWidth width, MemorySegment data, long offset, short[] xq, float[] xd, int[] xs,
                       int xOffset, int n) {
        Species s = width.species().floats().length() > INT_CAP.floats().length() ? INT_CAP : width.species();
        VectorSpecies<Short> shorts = s.pairShorts();
        VectorSpecies<Byte> bytes = s.pairBytes();
        int k = shorts.length();
        int parts = s.pairByteParts();
        FloatVector acc = FloatVector.zero(s.floats());
        float offsets = 0f;
        long block = (offset / BLOCK) * BLOCK_BYTES;
        for (int i = 0; i < n; i += BLOCK, block += BLOCK_BYTES) {
            int xi = xOffset + i;
            ShortVector blockSum = ShortVector.zero(shorts);
            for (int j = 0; j < 16; j += bytes.length()) {
                ByteVector packed = ByteVector.fromMemorySegment(bytes, data, block + 2 + j, ORDER);
                for (int p = 0; p < parts; p++) {
                    int at = xi + j + p * k;
                    // Sign extension leaves the high nibble in bits 4-7 under copies of bit 7; the mask drops them.
                    ShortVector wide = (ShortVector) packed.convertShape(VectorOperators.B2S, shorts, p);
                    ShortVector lo = wide.and((short) 0x0F);
                    ShortVector hi = wide.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F);
                    blockSum = blockSum.add(lo.mul(ShortVector.fromArray(shorts, xq, at)))
                            .add(hi.mul(ShortVector.fromArray(shorts, xq, at + 16)));
                }
            }
            // Adjacent int16 lanes to int32, as in Q8_0Tensor.dotQ8.
            IntVector pairs = blockSum.reinterpretAsInts();
            IntVector sum = pairs.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(pairs.lanewise(VectorOperators.ASHR, 16));
            float scale = scale(data, block) * xd[xi / BLOCK];
            acc = ((FloatVector) sum.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(s.floats(), scale), acc);
            offsets += scale * xs[xi / BLOCK];
        }
        return Lanes.sum(acc) - 8f * offsets;
    }
}
