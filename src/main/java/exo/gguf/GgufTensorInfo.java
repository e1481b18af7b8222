package exo.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of the tensor index. {@code dims[0]} is the innermost (contiguous) dimension, as
 * ggml orders them: a [rows x cols] matrix has dims {cols, rows}. {@code offset} is relative
 * to the start of the data section.
 */
public record GgufTensorInfo(String name, long[] dims, GgmlType type, long offset) {

    public GgufTensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        dims = dims.clone();
        if (dims.length < 1 || dims.length > 4) {
            throw new GgufFormatException("tensor " + name + " has " + dims.length + " dimensions (1 to 4 allowed)");
        }
        for (long d : dims) {
            if (d <= 0) {
                throw new GgufFormatException("tensor " + name + " has a non-positive dimension " + d);
            }
        }
        if (offset < 0) {
            throw new GgufFormatException("tensor " + name + " has a negative offset");
        }
        if (dims[0] % type.blockSize() != 0) {
            throw new GgufFormatException("tensor " + name + ": row of " + dims[0] + " is not a whole number of "
                    + type + " blocks");
        }
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    public long dim(int i) {
        return i < dims.length ? dims[i] : 1;
    }

    public int rank() {
        return dims.length;
    }

    public long elements() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long byteSize() {
        return type.byteSize(elements());
    }

    /** N for a tensor named {@code blk.N.something} (a layer's block), else -1. */
    public static int blockOf(String name) {
        if (!name.startsWith("blk.")) {
            return -1;
        }
        int dot = name.indexOf('.', 4);
        try {
            return dot < 0 ? -1 : Integer.parseInt(name.substring(4, dot));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && Arrays.equals(dims, t.dims)
                && type == t.type && offset == t.offset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(dims), type, offset);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(dims) + " " + type + " @" + offset;
    }
}
