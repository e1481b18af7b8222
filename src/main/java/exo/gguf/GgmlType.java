package exo.gguf;

import java.util.Arrays;

/**
 * ggml tensor types with their GGUF ids and block geometry (ggml-common.h, ggml.c
 * type_traits). Every type has its size here so a reader can lay out any file; which types
 * the engine can compute with is the engine's business.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
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

    private static final GgmlType[] BY_ID = new GgmlType[64];

    static {
        for (GgmlType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final int blockSize;
    private final int bytesPerBlock;

    GgmlType(int id, int blockSize, int bytesPerBlock) {
        this.id = id;
        this.blockSize = blockSize;
        this.bytesPerBlock = bytesPerBlock;
    }

    public int id() {
        return id;
    }

    /** Elements per block; 1 for plain types. */
    public int blockSize() {
        return blockSize;
    }

    public int bytesPerBlock() {
        return bytesPerBlock;
    }

    /** Average bytes per weight, e.g. 34/32 for Q8_0. */
    public double bytesPerElement() {
        return (double) bytesPerBlock / blockSize;
    }

    /** Bytes that {@code elements} weights occupy; the count must fill whole blocks. */
    public long byteSize(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(
                    name() + " stores blocks of " + blockSize + " elements; " + elements + " is not a multiple");
        }
        return Math.multiplyExact(elements / blockSize, (long) bytesPerBlock);
    }

    public static GgmlType fromId(int id) {
        GgmlType t = id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
        if (t == null) {
            throw new GgufFormatException("unknown tensor type id " + id);
        }
        return t;
    }

    public static GgmlType fromName(String name) {
        return Arrays.stream(values())
                .filter(t -> t.name().equalsIgnoreCase(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown tensor type " + name));
    }
}
