package exo.engine.java.tensor;

import exo.engine.model.UnsupportedModelException;

import exo.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A flat run of weights of one {@link GgmlType}, read in place from a {@link MemorySegment}
 * (normally a slice of a memory-mapped GGUF file); nothing is copied to the heap. Rows are a
 * caller's notion: a row of a {@code rows x cols} matrix starts at element {@code row * cols}.
 *
 * <p>For quantized types, offsets and lengths must be whole blocks (32 elements; 256 for the
 * K-quants).
 */
public sealed interface WeightTensor permits F32Tensor, HalfTensor, QuantizedTensor,
        KQuantTensor, SmallBlockTensor {

    GgmlType type();

    /** The encoded bytes; exactly {@code type().byteSize(elements())} long. */
    MemorySegment data();

    long elements();

    /** The weight at {@code index}, decoded to f32. */
    float get(long index);

    /** {@code sum(w[offset + i] * x[xOffset + i])} for i in [0, n), with SIMD at the preferred width. */
    float dot(long offset, float[] x, int xOffset, int n);

    /** The reference for {@link #dot}: the same sum, one element at a time. */
    float dotScalar(long offset, float[] x, int xOffset, int n);

    /** Decodes {@code n} weights from {@code offset} into {@code out} (an embedding lookup). */
    void dequantize(long offset, float[] out, int outOffset, int n);

    /**
     * A tensor over {@code data}, which must hold exactly {@code type.byteSize(elements)} bytes.
     *
     * @throws IllegalArgumentException for a type this engine does not compute with, or a size
     *     that does not match
     */
    static WeightTensor of(GgmlType type, MemorySegment data, long elements) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        return switch (type) {
            case F32 -> new F32Tensor(data, elements);
            case F16 -> new F16Tensor(data, elements);
            case BF16 -> new BF16Tensor(data, elements);
            case Q8_0 -> new Q8_0Tensor(data, elements);
            case Q4_0 -> new Q4_0Tensor(data, elements);
            case Q2_K -> new Q2_KTensor(data, elements);
            case Q3_K -> new Q3_KTensor(data, elements);
            case Q4_K -> new Q4_KTensor(data, elements);
            case Q5_K -> new Q5_KTensor(data, elements);
            case Q6_K -> new Q6_KTensor(data, elements);
            case Q5_0, Q5_1, IQ4_NL -> new SmallBlockTensor(type, data, elements);
            default -> throw new UnsupportedModelException("tensors of type " + type
                    + " cannot be computed by the java engine (it computes F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q5_1, IQ4_NL, Q2_K-Q6_K);"
                    + " use --engine ggml, or another --quant");
        };
    }

    /** Validates a tensor's size; called from the records' constructors. */
    static void checkSize(GgmlType type, MemorySegment data, long elements) {
        long expected = type.byteSize(elements);
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException(type + " tensor of " + elements + " elements needs " + expected
                    + " bytes, segment has " + data.byteSize());
        }
    }

    /** Validates a dot/dequantize range; the block size applies to quantized types. */
    static void checkRange(GgmlType type, long elements, long offset, int n, float[] x, int xOffset) {
        Objects.checkFromIndexSize(xOffset, n, x.length);
        checkRange(type, elements, offset, n);
    }

    static void checkRange(GgmlType type, long elements, long offset, int n) {
        if (offset < 0 || n < 0 || offset + n > elements) {
            throw new IndexOutOfBoundsException("range [" + offset + ", " + (offset + n) + ") outside " + elements
                    + " elements");
        }
        int block = type.blockSize();
        if (offset % block != 0 || n % block != 0) {
            throw new IllegalArgumentException(type + " ranges must be whole blocks of " + block + ": offset "
                    + offset + ", length " + n);
        }
    }
}
