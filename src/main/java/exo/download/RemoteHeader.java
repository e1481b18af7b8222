package exo.download;

import exo.gguf.GgufFormatException;
import exo.gguf.GgufHeader;
import exo.gguf.GgufTruncatedException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads a GGUF header by range: a first small read, then more (at least doubling, at least
 * what the parser says it needs) until the tensor index parses. Headers run from a few KiB
 * (stories260K: 14 KiB) to several MiB (a 128k-token vocabulary), so starting small wastes
 * little on either.
 */
final class RemoteHeader {
    /** Headers larger than this are not GGUF files anyone publishes. */
    private static final long MAX_HEADER = 1L << 30;

    private RemoteHeader() {
    }

    /** The parsed header and the bytes read to get it (from offset 0). */
    record Result(GgufHeader header, ByteBuffer prefix) {
    }

    static Result read(ByteSource source, int firstRead, String name) throws IOException {
        long size = source.size();
        ByteBuffer prefix = ByteBuffer.allocate((int) Math.min(size, firstRead));
        append(source, prefix);
        while (true) {
            try {
                ByteBuffer read = prefix.duplicate().flip();
                return new Result(GgufHeader.parse(read.duplicate(), size), read);
            } catch (GgufTruncatedException e) {
                long want = Math.min(size, Math.max(e.needed(), 2L * prefix.position()));
                if (want <= prefix.position() || want > MAX_HEADER) {
                    throw new GgufFormatException(name + ": truncated GGUF header");
                }
                ByteBuffer bigger = ByteBuffer.allocate((int) want);
                bigger.put(prefix.flip());
                prefix = bigger;
                append(source, prefix);
            } catch (GgufFormatException e) {
                throw new GgufFormatException(name + ": " + e.getMessage());
            }
        }
    }

    /** Fills {@code buf} from position to limit with the file's bytes at those offsets. */
    private static void append(ByteSource source, ByteBuffer buf) throws IOException {
        source.read(new ByteRange(buf.position(), buf.limit()), (offset, bytes) -> buf.put(bytes));
    }
}
