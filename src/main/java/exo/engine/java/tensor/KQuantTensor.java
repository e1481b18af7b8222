package exo.engine.java.tensor;

/**
 * A llama.cpp K-quant tensor: super-blocks of 256 weights split into sub-blocks of 16 or 32,
 * each sub-block with its own small integer scale (and, for Q2_K, Q4_K and Q5_K, a minimum)
 * under one or two fp16 super-block scales. These have no {@link Q8Activation} integer path
 * here: {@link Matmul} always meets them with f32 activations.
 */
public sealed interface KQuantTensor extends WeightTensor
        permits Q2_KTensor, Q3_KTensor, Q4_KTensor, Q5_KTensor, Q6_KTensor {

    /** Weights per super-block ({@code QK_K} in ggml-common.h). */
    int QK_K = 256;
}
