package exo.gguf;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF version 3 files that llama.cpp loads: metadata in insertion order, tensors laid
 * out in insertion order, each at an offset aligned to {@code general.alignment}. The file is
 * written beside the target and moved into place, so a reader never sees half a file.
 */
public final class GgufWriter {
    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();

    /** Bytes of one tensor, produced only when the file is written (so a writer can stream). */
    @FunctionalInterface
    public interface TensorBytes {
        MemorySegment get() throws IOException;
    }

    private record PendingTensor(GgufTensorInfo info, TensorBytes data) {
    }

    public GgufWriter put(String key, GgufValue value) {
        metadata.put(key, value);
        return this;
    }

    public GgufWriter putString(String key, String value) {
        return put(key, GgufValue.ofString(value));
    }

    public GgufWriter putUInt32(String key, int value) {
        return put(key, GgufValue.ofUInt32(value));
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, GgufValue.ofFloat32(value));
    }

    /** A bool key (as {@code %s.expert_weights_norm}), one byte 0 or 1. */
    public GgufWriter putBool(String key, boolean value) {
        return put(key, GgufValue.ofBool(value));
    }

    public GgufWriter putArray(String key, GgufArray value) {
        return put(key, GgufValue.ofArray(value));
    }

    /** Copies every key of {@code source} (shards keep their model's metadata). */
    public GgufWriter putAll(GgufMetadata source) {
        metadata.putAll(source.asMap());
        return this;
    }

    /**
     * Adds a tensor. {@code dims} are in ggml order (innermost first); {@code data} holds
     * exactly the bytes of the tensor in {@code type}'s layout and is read when written.
     */
    public GgufWriter addTensor(String name, GgmlType type, long[] dims, MemorySegment data) {
        checkSize(new GgufTensorInfo(name, dims, type, 0), data);
        return addTensor(name, type, dims, () -> data);
    }

    /**
     * Adds a tensor whose bytes are produced when the file is written, one tensor at a time,
     * so a model larger than memory can be generated or copied.
     */
    public GgufWriter addTensor(String name, GgmlType type, long[] dims, TensorBytes data) {
        GgufTensorInfo info = new GgufTensorInfo(name, dims, type, 0);
        for (PendingTensor t : tensors) {
            if (t.info().name().equals(name)) {
                throw new IllegalArgumentException("duplicate tensor " + name);
            }
        }
        tensors.add(new PendingTensor(info, data));
        return this;
    }

    private static void checkSize(GgufTensorInfo info, MemorySegment data) {
        if (data.byteSize() != info.byteSize()) {
            throw new IllegalArgumentException("tensor " + info.name() + " needs " + info.byteSize() + " bytes of "
                    + info.type() + ", got " + data.byteSize());
        }
    }

    public GgufWriter addTensor(String name, GgmlType type, long[] dims, byte[] data) {
        return addTensor(name, type, dims, MemorySegment.ofArray(data));
    }

    public GgufWriter addF32(String name, long[] dims, float[] values) {
        MemorySegment seg = MemorySegment.ofArray(new byte[values.length * 4]);
        MemorySegment.copy(values, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0,
                values.length);
        return addTensor(name, GgmlType.F32, dims, seg);
    }

    /** The tensors as they will be laid out: names, shapes, types and offsets in the data section. */
    public List<GgufTensorInfo> tensorInfos() {
        int alignment = alignment();
        List<GgufTensorInfo> laidOut = new ArrayList<>();
        long offset = 0;
        for (PendingTensor t : tensors) {
            offset = GgufHeader.alignUp(offset, alignment);
            laidOut.add(new GgufTensorInfo(t.info().name(), t.info().dims(), t.info().type(), offset));
            offset += t.info().byteSize();
        }
        return laidOut;
    }

    /** The size {@link #write} will give the file, computed without producing any tensor's bytes. */
    public long fileSize() {
        int alignment = alignment();
        List<GgufTensorInfo> laidOut = tensorInfos();
        long dataStart = GgufHeader.alignUp(encodeHeader(laidOut, alignment).remaining(), alignment);
        long end = laidOut.isEmpty() ? 0 : laidOut.getLast().offset() + laidOut.getLast().byteSize();
        return GgufHeader.alignUp(dataStart + end, alignment);
    }

    private int alignment() {
        return metadata.containsKey(GgufHeader.ALIGNMENT_KEY)
                ? (int) new GgufMetadata(metadata).getLong(GgufHeader.ALIGNMENT_KEY).orElseThrow()
                : GgufHeader.DEFAULT_ALIGNMENT;
    }

    public void write(Path target) throws IOException {
        int alignment = alignment();
        List<GgufTensorInfo> laidOut = tensorInfos();
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".part");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer header = encodeHeader(laidOut, alignment);
                writeFully(ch, header);
                long dataStart = GgufHeader.alignUp(ch.position(), alignment);
                for (int i = 0; i < tensors.size(); i++) {
                    ch.position(dataStart + laidOut.get(i).offset());
                    MemorySegment bytes = tensors.get(i).data().get();
                    checkSize(tensors.get(i).info(), bytes);
                    writeFully(ch, bytes.asByteBuffer());
                }
                // Pad the end to the alignment as llama.cpp's writer does.
                long end = GgufHeader.alignUp(ch.position(), alignment);
                if (end > ch.position()) {
                    writeFully(ch, ByteBuffer.allocate((int) (end - ch.position())));
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private ByteBuffer encodeHeader(List<GgufTensorInfo> laidOut, int alignment) {
        Encoder e = new Encoder();
        e.u32(GgufHeader.MAGIC).u32(3).u64(laidOut.size()).u64(metadata.size());
        metadata.forEach((k, v) -> {
            e.string(k).u32(v.type().id());
            e.value(v.type(), v.value());
        });
        for (GgufTensorInfo t : laidOut) {
            e.string(t.name()).u32(t.rank());
            for (long d : t.dims()) {
                e.u64(d);
            }
            e.u32(t.type().id()).u64(t.offset());
        }
        return e.finish();
    }

    /** Growable little-endian byte sink for the header. */
    private static final class Encoder {
        private ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private void ensure(long n) {
            if (buf.remaining() < n) {
                long cap = Math.max(buf.capacity() * 2L, buf.position() + n);
                ByteBuffer bigger = ByteBuffer.allocate(Math.toIntExact(cap)).order(ByteOrder.LITTLE_ENDIAN);
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        Encoder u32(int v) { ensure(4); buf.putInt(v); return this; }
        Encoder u64(long v) { ensure(8); buf.putLong(v); return this; }

        Encoder string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            ensure(b.length);
            buf.put(b);
            return this;
        }

        void value(GgufValueType type, Object v) {
            switch (type) {
                case UINT8, INT8 -> { ensure(1); buf.put((Byte) v); }
                case UINT16, INT16 -> { ensure(2); buf.putShort((Short) v); }
                case UINT32, INT32 -> u32((Integer) v);
                case UINT64, INT64 -> u64((Long) v);
                case FLOAT32 -> { ensure(4); buf.putFloat((Float) v); }
                case FLOAT64 -> { ensure(8); buf.putDouble((Double) v); }
                case BOOL -> { ensure(1); buf.put((byte) ((Boolean) v ? 1 : 0)); }
                case STRING -> string((String) v);
                case ARRAY -> array((GgufArray) v);
            }
        }

        void array(GgufArray a) {
            u32(a.elementType().id()).u64(a.length());
            switch (a.elements()) {
                case byte[] x -> { ensure(x.length); buf.put(x); }
                case short[] x -> { for (short s : x) { ensure(2); buf.putShort(s); } }
                case int[] x -> { for (int i : x) u32(i); }
                case long[] x -> { for (long l : x) u64(l); }
                case float[] x -> { for (float f : x) { ensure(4); buf.putFloat(f); } }
                case double[] x -> { for (double d : x) { ensure(8); buf.putDouble(d); } }
                case boolean[] x -> { for (boolean b : x) { ensure(1); buf.put((byte) (b ? 1 : 0)); } }
                case String[] x -> { for (String s : x) string(s); }
                case GgufArray[] x -> { for (GgufArray n : x) array(n); }
                default -> throw new IllegalStateException("unreachable: GgufArray validates its element type");
            }
        }

        ByteBuffer finish() {
            return buf.flip();
        }
    }
}
