package exo.download;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Byte ranges of one file, from the hub or from a copy already on disk: a shard is cut the
 * same way from either. Implementations may be called from several threads at once.
 */
public interface ByteSource {

    long size();

    /** Delivers {@code range} to {@code sink} in order, or throws. */
    void read(ByteRange range, RangeSink sink) throws IOException;

    /** The file {@code remote} describes, fetched by range at the commit it resolved to. */
    static ByteSource remote(HfClient client, RemoteFile remote) {
        HubFile pinned = remote.pinned();
        return new ByteSource() {
            @Override
            public long size() {
                return remote.size();
            }

            @Override
            public void read(ByteRange range, RangeSink sink) throws IOException {
                client.fetch(pinned, range, sink);
            }
        };
    }

    /** A complete local copy (the whole file in the hub cache). */
    static ByteSource local(Path file, long size) {
        return new ByteSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public void read(ByteRange range, RangeSink sink) throws IOException {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
                    for (long at = range.start(); at < range.end(); ) {
                        buf.clear().limit((int) Math.min(buf.capacity(), range.end() - at));
                        int n = ch.read(buf, at);
                        if (n < 0) {
                            throw new IOException(file + " ends before byte " + range.end());
                        }
                        buf.flip();
                        sink.write(at, buf);
                        at += n;
                    }
                }
            }
        };
    }

    /**
     * This source with its first bytes already in memory: the header read also covers the
     * start of the tensor data, which the first shard needs, so those bytes are not fetched
     * twice.
     */
    default ByteSource withPrefix(ByteBuffer prefix) {
        ByteSource rest = this;
        ByteBuffer head = prefix.asReadOnlyBuffer();
        return new ByteSource() {
            @Override
            public long size() {
                return rest.size();
            }

            @Override
            public void read(ByteRange range, RangeSink sink) throws IOException {
                long cached = Math.min(range.end(), head.limit());
                if (range.start() < cached) {
                    ByteBuffer b = head.duplicate();
                    b.position((int) range.start()).limit((int) cached);
                    sink.write(range.start(), b);
                }
                long from = Math.max(range.start(), cached);
                if (from < range.end()) {
                    rest.read(new ByteRange(from, range.end()), sink);
                }
            }
        };
    }
}
