package exo.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * An open GGUF file: the parsed header and the tensor data memory-mapped in place (no copy to
 * the heap, files over 2 GiB included). Closing unmaps, so tensor segments must not be used
 * after {@link #close()}.
 */
public final class GgufFile implements AutoCloseable {
    private static final int FIRST_READ = 1 << 20;

    private final Path path;
    private final GgufHeader header;
    private final Arena arena;
    private final MemorySegment data;

    private GgufFile(Path path, GgufHeader header, Arena arena, MemorySegment data) {
        this.path = path;
        this.header = header;
        this.arena = arena;
        this.data = data;
    }

    /** Opens and validates {@code path}; every problem is a one-line {@link GgufFormatException}. */
    public static GgufFile open(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            GgufHeader header = readHeader(ch, size, path);
            for (GgufTensorInfo t : header.tensors()) {
                long end = header.dataOffset() + t.offset() + t.byteSize();
                if (end > size) {
                    throw new GgufFormatException(path.getFileName() + ": tensor " + t.name()
                            + " data ends at byte " + end + ", past the end of the file (" + size + " bytes)");
                }
            }
            Arena arena = Arena.ofShared();
            try {
                long dataBytes = Math.max(0, size - header.dataOffset());
                MemorySegment data = dataBytes == 0
                        ? MemorySegment.NULL.reinterpret(0)
                        : ch.map(FileChannel.MapMode.READ_ONLY, header.dataOffset(), dataBytes, arena);
                return new GgufFile(path, header, arena, data);
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path + ": no such file");
        }
    }

    /** Reads just the header of {@code path}, without mapping anything. */
    public static GgufHeader readHeader(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return readHeader(ch, ch.size(), path);
        }
    }

    private static GgufHeader readHeader(FileChannel ch, long size, Path path) throws IOException {
        long want = Math.min(size, FIRST_READ);
        while (true) {
            ByteBuffer buf = ByteBuffer.allocate((int) want);
            while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
                // read until full: the file is at least want bytes long
            }
            buf.flip();
            try {
                return GgufHeader.parse(buf, size);
            } catch (GgufTruncatedException e) {
                long next = Math.min(size, Math.max(e.needed(), want * 2));
                if (next <= want || next > Integer.MAX_VALUE - 8) {
                    throw new GgufFormatException(path.getFileName() + ": truncated GGUF header");
                }
                want = next;
            } catch (GgufFormatException e) {
                throw new GgufFormatException(path.getFileName() + ": " + e.getMessage());
            }
        }
    }

    public Path path() {
        return path;
    }

    public GgufHeader header() {
        return header;
    }

    public GgufMetadata metadata() {
        return header.metadata();
    }

    public List<GgufTensorInfo> tensors() {
        return header.tensors();
    }

    public GgufTensorInfo tensorInfo(String name) {
        return header.tensor(name);
    }

    /** The bytes of tensor {@code name}, read-only, little-endian, mapped from the file. */
    public MemorySegment tensorData(String name) {
        GgufTensorInfo t = header.tensor(name);
        if (t == null) {
            throw new GgufFormatException(path.getFileName() + ": no tensor named " + name);
        }
        return tensorData(t);
    }

    public MemorySegment tensorData(GgufTensorInfo t) {
        return data.asSlice(t.offset(), t.byteSize());
    }

    /**
     * The whole mapped tensor-data section (read-only), for a native library that addresses
     * tensors by pointer into one buffer; {@link #tensorData} slices lie inside it.
     */
    public MemorySegment dataSection() {
        return data;
    }

    @Override
    public void close() {
        arena.close();
    }
}
