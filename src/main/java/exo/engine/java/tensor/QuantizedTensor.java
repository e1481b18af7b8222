package exo.engine.java.tensor;

/**
 * A block-quantized tensor that can also take its dot product with {@link Q8Activation}s in
 * integer arithmetic: per 32-block, an exact int32 sum of int8 x int8 (or int4 x int8)
 * products, then one float FMA with the two scales. Faster than {@link #dot} because a block's
 * activations are 64 bytes instead of 128 and need no int-to-float conversion per weight.
 */
public sealed interface QuantizedTensor extends WeightTensor permits Q8_0Tensor, Q4_0Tensor {

    /** {@code sum(w[offset + i] * x.get(xOffset + i))}, integer path at the preferred width. */
    float dotQ8(long offset, Q8Activation x, int xOffset, int n);

    /** The reference for {@link #dotQ8}: exact integer block sums, then scales, in order. */
    float dotQ8Scalar(long offset, Q8Activation x, int xOffset, int n);
}
