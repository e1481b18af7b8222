package exo.engine.java.tensor;

/**
 * A llama.cpp K-quant tensor: super-blocks of 256 weights split into sub-blocks of 16 or 32,
 * each sub-block with its own small integer scale (and, for Q2_K, Q4_K and Q5_K, a minimum)
 * under one or two fp16 super-block scales. These have no {@link Q8Activation} integer path
 * here: {@link Matmul} always meets them with f32 activations.
 *
 * <p>Range checks and the walk over super-blocks live here once; a type supplies only its
 * format's math for one super-block, addressed by its byte offset in {@link #data()}.
 */
public sealed interface KQuantTensor extends WeightTensor
        permits Q2_KTensor, Q3_KTensor, Q4_KTensor, Q5_KTensor, Q6_KTensor {

    /** Weights per super-block ({@code QK_K} in ggml-common.h). */
    int QK_K = 256;

    /** Weight {@code j} (in [0, 256)) of the super-block at byte {@code block}, decoded to f32. */
    float weight(long block, int j);

    /**
     * The super-block at byte {@code block} dotted with {@code x[xAt, xAt + 256)}: exactly the
     * term {@link #dotScalar} adds to its running sum, so that the reference keeps one rounding
     * order whatever the type.
     */
    float dotBlock(long block, float[] x, int xAt);

    /** Decodes the super-block at byte {@code block} into {@code out[outAt, outAt + 256)}. */
    void dequantizeBlock(long block, float[] out, int outAt);

    @Override
    default float get(long index) {
        return weight((index / QK_K) * type().bytesPerBlock(), (int) (index % QK_K));
    }

    @Override
    default float dot(long offset, float[] x, int xOffset, int n) {
        WeightTensor.checkRange(type(), elements(), offset, n, x, xOffset);
        return dot(VectorWidth.PREFERRED, this, offset, x, xOffset, n);
    }

    @Override
    default float dotScalar(long offset, float[] x, int xOffset, int n) {
        WeightTensor.checkRange(type(), elements(), offset, n, x, xOffset);
        int blockBytes = type().bytesPerBlock();
        float sum = 0f;
        long block = (offset / QK_K) * blockBytes;
        for (int i = 0; i < n; i += QK_K, block += blockBytes) {
            sum += dotBlock(block, x, xOffset + i);
        }
        return sum;
    }

    @Override
    default void dequantize(long offset, float[] out, int outOffset, int n) {
        WeightTensor.checkRange(type(), elements(), offset, n, out, outOffset);
        int blockBytes = type().bytesPerBlock();
        long block = (offset / QK_K) * blockBytes;
        for (int i = 0; i < n; i += QK_K, block += blockBytes) {
            dequantizeBlock(block, out, outOffset + i);
        }
    }

    /**
     * {@code w}'s vector kernel at {@code width}, unchecked. A switch over the sealed types, not
     * an instance method, so that each kernel call site stays monomorphic for C2.
     */
    static float dot(VectorWidth width, KQuantTensor w, long offset, float[] x, int xOffset, int n) {
        return switch (w) {
            case Q2_KTensor t -> Q2_KTensor.dot(width, t.data(), offset, x, xOffset, n);
            case Q3_KTensor t -> Q3_KTensor.dot(width, t.data(), offset, x, xOffset, n);
            case Q4_KTensor t -> Q4_KTensor.dot(width, t.data(), offset, x, xOffset, n);
            case Q5_KTensor t -> Q5_KTensor.dot(width, t.data(), offset, x, xOffset, n);
            case Q6_KTensor t -> Q6_KTensor.dot(width, t.data(), offset, x, xOffset, n);
        };
    }
}
