package exo.engine.java.tensor;

import static exo.engine.java.tensor.Layouts.SHORT;

import java.lang.foreign.MemorySegment;

/**
 * A block-quantized tensor that can also take its dot product with {@link Q8Activation}s in
 * integer arithmetic: per 32-block, an exact int32 sum of int8 x int8 (or int4 x int8)
 * products, then one float FMA with the two scales. Faster than {@link #dot} because a block's
 * activations are 64 bytes instead of 128 and need no int-to-float conversion per weight.
 *
 * <p>Both formats are an fp16 scale then 32 integer quants, weight = scale * quant, so the range
 * checks and the scalar references live here once; a type supplies how a quant is packed, and
 * its own vector kernels.
 */
public sealed interface QuantizedTensor extends WeightTensor permits Q8_0Tensor, Q4_0Tensor {

    /** Weights per block ({@code QK8_0} and {@code QK4_0} in ggml-common.h). */
    int BLOCK = 32;

    /** The integer quant of weight {@code j} (in [0, 32)) of the block at byte {@code block}. */
    int quant(long block, int j);

    /** {@code sum(w[offset + i] * x.get(xOffset + i))}, integer path at the preferred width. */
    float dotQ8(long offset, Q8Activation x, int xOffset, int n);

    /** The block's fp16 scale {@code d}, which opens every block of both formats. */
    static float scale(MemorySegment data, long block) {
        return Half.f16ToFloat(data.get(SHORT, block));
    }

    @Override
    default float get(long index) {
        long block = (index / BLOCK) * type().bytesPerBlock();
        return scale(data(), block) * quant(block, (int) (index % BLOCK));
    }

    /** A switch over the sealed types, so that each kernel call site stays monomorphic for C2. */
    @Override
    default float dot(long offset, float[] x, int xOffset, int n) {
        WeightTensor.checkRange(type(), elements(), offset, n, x, xOffset);
        return switch (this) {
            case Q8_0Tensor t -> Q8_0Tensor.dot(VectorWidth.PREFERRED, t.data(), offset, x, xOffset, n);
            case Q4_0Tensor t -> Q4_0Tensor.dot(VectorWidth.PREFERRED, t.data(), offset, x, xOffset, n);
        };
    }

    /** Per block: sum q*x in f32, then scale, as ggml's scalar dequantize-then-dot. */
    @Override
    default float dotScalar(long offset, float[] x, int xOffset, int n) {
        WeightTensor.checkRange(type(), elements(), offset, n, x, xOffset);
        MemorySegment data = data();
        int blockBytes = type().bytesPerBlock();
        float sum = 0f;
        long block = (offset / BLOCK) * blockBytes;
        for (int i = 0; i < n; i += BLOCK, block += blockBytes) {
            float blockSum = 0f;
            for (int j = 0; j < BLOCK; j++) {
                blockSum += quant(block, j) * x[xOffset + i + j];
            }
            sum += scale(data, block) * blockSum;
        }
        return sum;
    }

    /** The reference for {@link #dotQ8}: exact integer block sums, then scales, in order. */
    default float dotQ8Scalar(long offset, Q8Activation x, int xOffset, int n) {
        WeightTensor.checkRange(type(), elements(), offset, n);
        x.checkRange(xOffset, n);
        MemorySegment data = data();
        int blockBytes = type().bytesPerBlock();
        float sum = 0f;
        long block = (offset / BLOCK) * blockBytes;
        for (int i = 0; i < n; i += BLOCK, block += blockBytes) {
            int blockSum = 0;
            for (int j = 0; j < BLOCK; j++) {
                blockSum += quant(block, j) * x.quants[xOffset + i + j];
            }
            sum += scale(data, block) * x.scales[(xOffset + i) / BLOCK] * blockSum;
        }
        return sum;
    }

    @Override
    default void dequantize(long offset, float[] out, int outOffset, int n) {
        WeightTensor.checkRange(type(), elements(), offset, n, out, outOffset);
        MemorySegment data = data();
        int blockBytes = type().bytesPerBlock();
        long block = (offset / BLOCK) * blockBytes;
        for (int i = 0; i < n; i += BLOCK, block += blockBytes) {
            float d = scale(data, block);
            for (int j = 0; j < BLOCK; j++) {
                out[outOffset + i + j] = d * quant(block, j);
            }
        }
    }
}
