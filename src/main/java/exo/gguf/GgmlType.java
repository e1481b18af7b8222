package exo.gguf;

/**
 * The ggml tensor types a GGUF file may hold, numbered as in ggml.h's {@code enum ggml_type},
 * with the block geometry of ggml-common.h so that a reader can size any tensor, including
 * ones this engine cannot compute with ({@link #computable()}).
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),      // fp16 d, 16 bytes of nibbles
    Q4_1(3, 32, 20),      // fp16 d, fp16 m, 16 bytes of nibbles
    Q5_0(6, 32, 22),      // fp16 d, 4 bytes high bits, 16 bytes of nibbles
    Q5_1(7, 32, 24),      // fp16 d, fp16 m, 4 bytes high bits, 16 bytes of nibbles
    Q8_0(8, 32, 34),      // fp16 d, 32 int8
    Q8_1(9, 32, 36),      // fp16 d, fp16 s, 32 int8
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),   // f32 d, 256 int8, 16 int16 sums
    IQ2_XXS(16, 256, 66),
    IQ2_XS(17, 256, 74),
    IQ3_XXS(18, 256, 98),
    IQ1_S(19, 256, 50),
    IQ4_NL(20, 32, 18),
    IQ3_S(21, 256, 110),
    IQ2_S(22, 256, 82),
    IQ4_XS(23, 256, 136),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 56),
    BF16(30, 1, 2);

    private final int id;
    private final int blockSize;
    private final int bytesPerBlock;

    GgmlType(int id, int blockSize, int bytesPerBlock) {
        this.id = id;
        this.blockSize = blockSize;
        this.bytesPerBlock = bytesPerBlock;
    }

    /** The number GGUF stores for this type. */
    public int id() {
        return id;
    }

    /** Elements per block; 1 for plain scalar types. */
    public int blockSize() {
        return blockSize;
    }

    public int bytesPerBlock() {
        return bytesPerBlock;
    }

    /** Block-quantized (more than one element per block), as opposed to F32, F16, BF16 and the integers. */
    public boolean isQuantized() {
        return blockSize > 1;
    }

    /** Whether the engine can build a tensor of this type. */
    public boolean computable() {
        return switch (this) {
            case F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K -> true;
            default -> false;
        };
    }

    /** Bytes that {@code elements} values of this type occupy; ggml requires whole blocks. */
    public long byteSize(long elements) {
        if (elements < 0) {
            throw new IllegalArgumentException("negative element count " + elements + " for " + this);
        }
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(
                    elements + " elements is not a whole number of " + this + " blocks of " + blockSize);
        }
        return Math.multiplyExact(elements / blockSize, (long) bytesPerBlock);
    }

    public static GgmlType fromId(int id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown ggml tensor type id " + id
                + " (this build knows ids 0-3, 6-30; newer llama.cpp types such as TQ1_0, TQ2_0 and MXFP4 are not supported)");
    }
}
