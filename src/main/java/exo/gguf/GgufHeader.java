package exo.gguf;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything in a GGUF file before the tensor data: version, metadata, tensor index and where
 * the data starts. Layout (GGUF spec, little-endian):
 * <pre>
 * magic "GGUF" | u32 version | u64 tensor_count | u64 kv_count
 * kv_count x (string key, u32 value_type, value)
 * tensor_count x (string name, u32 n_dims, n_dims x u64 dim, u32 type, u64 offset)
 * padding to general.alignment (default 32) | tensor data
 * </pre>
 * A string is a u64 byte length then UTF-8 bytes. Versions 2 and 3 share this layout (v1 used
 * 32-bit counts and is not read).
 */
public record GgufHeader(int version, GgufMetadata metadata, List<GgufTensorInfo> tensors, int alignment,
                         long dataOffset) {

    public static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
    public static final int DEFAULT_ALIGNMENT = 32;
    public static final String ALIGNMENT_KEY = "general.alignment";

    public GgufHeader {
        tensors = List.copyOf(tensors);
    }

    public GgufTensorInfo tensor(String name) {
        for (GgufTensorInfo t : tensors) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** Absolute file offset one past the last tensor byte. */
    public long dataEnd() {
        long end = dataOffset;
        for (GgufTensorInfo t : tensors) {
            end = Math.max(end, dataOffset + t.offset() + t.byteSize());
        }
        return end;
    }

    /**
     * Parses a header from {@code prefix}, the first bytes of a file of {@code fileSize} bytes.
     *
     * @throws GgufTruncatedException when the prefix ends inside the header but the file is
     *                                long enough that more bytes may complete it
     * @throws GgufFormatException    when the bytes cannot be a GGUF header of this file
     */
    public static GgufHeader parse(ByteBuffer prefix, long fileSize) {
        Reader in = new Reader(prefix.duplicate().order(ByteOrder.LITTLE_ENDIAN), fileSize);
        if (fileSize < 4 || (prefix.remaining() >= 4 && in.peekInt() != MAGIC)) {
            throw new GgufFormatException("not a GGUF file (bad magic)");
        }
        in.need(24);
        in.u32();
        int version = in.u32();
        if (version == 1) {
            throw new GgufFormatException("GGUF version 1 is not supported (versions 2 and 3 are)");
        }
        if (version != 2 && version != 3) {
            throw new GgufFormatException("unsupported GGUF version " + Integer.toUnsignedString(version));
        }
        long tensorCount = in.u64();
        long kvCount = in.u64();
        // Each entry takes at least 8+4 (kv) or 8+4+8+4+8 (tensor) bytes, which bounds honest counts.
        if (kvCount < 0 || kvCount > fileSize / 12 || tensorCount < 0 || tensorCount > fileSize / 32) {
            throw new GgufFormatException("corrupt GGUF header: " + tensorCount + " tensors, " + kvCount + " keys");
        }
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = in.string();
            GgufValueType type = GgufValueType.fromId(in.u32());
            if (kv.put(key, in.value(type, 0)) != null) {
                throw new GgufFormatException("duplicate metadata key " + key);
            }
        }
        GgufMetadata metadata = new GgufMetadata(kv);
        int alignment = metadata.getInt(ALIGNMENT_KEY, DEFAULT_ALIGNMENT);
        if (alignment <= 0 || Integer.bitCount(alignment) != 1) {
            throw new GgufFormatException("general.alignment must be a power of two, not " + alignment);
        }
        List<GgufTensorInfo> tensors = new ArrayList<>((int) tensorCount);
        for (long i = 0; i < tensorCount; i++) {
            String name = in.string();
            int nDims = in.u32();
            if (nDims < 1 || nDims > 4) {
                throw new GgufFormatException("tensor " + name + " has " + nDims + " dimensions (1 to 4 allowed)");
            }
            long[] dims = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                dims[d] = in.u64();
            }
            int typeId = in.u32();
            GgmlType type;
            try {
                type = GgmlType.fromId(typeId);
            } catch (IllegalArgumentException e) {
                throw new GgufFormatException("tensor " + name + " has unknown type id " + typeId);
            }
            long offset = in.u64();
            if (offset % alignment != 0) {
                throw new GgufFormatException("tensor " + name + " offset " + offset + " is not aligned to " + alignment);
            }
            tensors.add(new GgufTensorInfo(name, dims, type, offset));
        }
        long dataOffset = alignUp(in.position(), alignment);
        checkTensors(tensors, alignment, fileSize, dataOffset);
        return new GgufHeader(version, metadata, tensors, alignment, dataOffset);
    }

    /**
     * Refuses tensor tables that cannot describe the data: duplicate names, sizes past any file
     * (or overflowing), ranges that overlap, and a range its tensor does not fill (a type or
     * shape changed after the data was written: writers pad each tensor only to the alignment).
     */
    private static void checkTensors(List<GgufTensorInfo> tensors, int alignment, long fileSize, long dataOffset) {
        java.util.Set<String> names = new java.util.HashSet<>();
        long[] sizes = new long[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            GgufTensorInfo t = tensors.get(i);
            if (!names.add(t.name())) {
                throw new GgufFormatException("two tensors are named " + t.name());
            }
            try {
                for (long d : t.dims()) {
                    if (d < 1) {
                        throw new ArithmeticException();
                    }
                }
                sizes[i] = t.byteSize();
            } catch (ArithmeticException e) {
                throw new GgufFormatException("tensor " + t.name() + " has dimensions "
                        + java.util.Arrays.toString(t.dims()) + " that no file can hold");
            }
            if (sizes[i] > fileSize || t.offset() > fileSize || dataOffset + t.offset() + sizes[i] > fileSize) {
                throw new GgufFormatException("tensor " + t.name() + " data ends at byte "
                        + (dataOffset + t.offset() + sizes[i]) + ", past the end of the file (" + fileSize + " bytes)");
            }
        }
        Integer[] order = new Integer[tensors.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingLong(i -> tensors.get(i).offset()));
        for (int k = 0; k + 1 < order.length; k++) {
            GgufTensorInfo a = tensors.get(order[k]);
            GgufTensorInfo b = tensors.get(order[k + 1]);
            long end = a.offset() + sizes[order[k]];
            if (end > b.offset()) {
                throw new GgufFormatException("tensors " + a.name() + " and " + b.name() + " overlap");
            }
            if (b.offset() - end >= alignment) {
                throw new GgufFormatException("tensor " + a.name() + " (" + a.type() + ", " + sizes[order[k]]
                        + " bytes) does not fill its " + (b.offset() - a.offset()) + " bytes: its type or shape "
                        + "does not match its data");
            }
        }
    }

    public static long alignUp(long x, int alignment) {
        return (x + alignment - 1) / alignment * alignment;
    }

    /** Bounds-checked little-endian cursor; running out distinguishes "need more" from "corrupt". */
    private static final class Reader {
        private static final int MAX_NESTING = 8;
        private final ByteBuffer buf;
        private final long fileSize;

        Reader(ByteBuffer buf, long fileSize) {
            this.buf = buf;
            this.fileSize = fileSize;
        }

        long position() {
            return buf.position();
        }

        int peekInt() {
            return buf.getInt(buf.position());
        }

        void need(long bytes) {
            long end = buf.position() + bytes;
            if (end > fileSize) {
                throw new GgufFormatException("truncated GGUF header (file ends at byte " + fileSize + ")");
            }
            if (bytes > buf.remaining()) {
                throw new GgufTruncatedException(end);
            }
        }

        int u32() {
            need(4);
            return buf.getInt();
        }

        long u64() {
            need(8);
            return buf.getLong();
        }

        String string() {
            long len = u64();
            if (len < 0 || len > fileSize) {
                throw new GgufFormatException("corrupt GGUF header: string of " + Long.toUnsignedString(len) + " bytes");
            }
            need(len);
            byte[] bytes = new byte[(int) len];
            buf.get(bytes);
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new GgufFormatException("corrupt GGUF header: bad UTF-8");
            }
        }

        GgufValue value(GgufValueType type, int depth) {
            Object v = switch (type) {
                case UINT8, INT8 -> { need(1); yield buf.get(); }
                case UINT16, INT16 -> { need(2); yield buf.getShort(); }
                case UINT32, INT32 -> u32();
                case UINT64, INT64 -> u64();
                case FLOAT32 -> { need(4); yield buf.getFloat(); }
                case FLOAT64 -> { need(8); yield buf.getDouble(); }
                case BOOL -> { need(1); yield buf.get() != 0; }
                case STRING -> string();
                case ARRAY -> array(depth);
            };
            return new GgufValue(type, v);
        }

        GgufArray array(int depth) {
            if (depth >= MAX_NESTING) {
                throw new GgufFormatException("corrupt GGUF header: arrays nested too deep");
            }
            GgufValueType elementType = GgufValueType.fromId(u32());
            long count = u64();
            if (count < 0 || count > fileSize) {
                throw new GgufFormatException("corrupt GGUF header: array of " + Long.toUnsignedString(count) + " elements");
            }
            int n = (int) count;
            try {
                return switch (elementType) {
                    case UINT8, INT8 -> { need(n); byte[] a = new byte[n]; buf.get(a); yield new GgufArray(elementType, a); }
                    case UINT16, INT16 -> { need(2L * n); short[] a = new short[n]; buf.asShortBuffer().get(a); skip(2L * n); yield new GgufArray(elementType, a); }
                    case UINT32, INT32 -> { need(4L * n); int[] a = new int[n]; buf.asIntBuffer().get(a); skip(4L * n); yield new GgufArray(elementType, a); }
                    case UINT64, INT64 -> { need(8L * n); long[] a = new long[n]; buf.asLongBuffer().get(a); skip(8L * n); yield new GgufArray(elementType, a); }
                    case FLOAT32 -> { need(4L * n); float[] a = new float[n]; buf.asFloatBuffer().get(a); skip(4L * n); yield new GgufArray(elementType, a); }
                    case FLOAT64 -> { need(8L * n); double[] a = new double[n]; buf.asDoubleBuffer().get(a); skip(8L * n); yield new GgufArray(elementType, a); }
                    case BOOL -> { need(n); boolean[] a = new boolean[n]; for (int i = 0; i < n; i++) a[i] = buf.get() != 0; yield new GgufArray(elementType, a); }
                    case STRING -> { String[] a = new String[n]; for (int i = 0; i < n; i++) a[i] = string(); yield new GgufArray(elementType, a); }
                    case ARRAY -> { GgufArray[] a = new GgufArray[n]; for (int i = 0; i < n; i++) a[i] = array(depth + 1); yield new GgufArray(elementType, a); }
                };
            } catch (BufferUnderflowException e) {
                throw new GgufTruncatedException(buf.capacity() + 1L);
            }
        }

        private void skip(long bytes) {
            buf.position((int) (buf.position() + bytes));
        }
    }
}
