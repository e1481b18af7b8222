package exo.node;

import exo.peer.ModelRef;
import exo.peer.Peer;
import exo.peer.PeerMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves byte ranges of the model files this node holds to peers that lack them: files it
 * offered (the tail's --model-file) or found for the model named (models directory, Hugging
 * Face cache). Only whole model files of the named size are served, never another path.
 */
final class FileServer {
    private static final System.Logger LOG = System.getLogger("exo.node");

    private final SliceSource source;
    private final ExecutorService io;
    private final Map<String, Path> offered = new ConcurrentHashMap<>();
    private final AtomicLong served = new AtomicLong();

    FileServer(SliceSource source, ExecutorService io) {
        this.source = source;
        this.io = io;
    }

    /** Lets peers read {@code file} as the model {@code model} names it. */
    void offer(ModelRef model, Path file) {
        offered.put(key(model), file);
    }

    void serve(Peer from, PeerMessage.RangeRequest q) {
        io.execute(() -> {
            try {
                Path file = find(q.model()).orElseThrow(() -> new IOException("this node does not hold "
                        + q.model().fileName()));
                long size = Files.size(file);
                if (q.offset() + q.length() > size) {
                    throw new IOException("bytes " + q.offset() + "-" + (q.offset() + q.length()) + " lie past the end of "
                            + q.model().fileName() + " (" + size + " bytes)");
                }
                byte[] data = new byte[q.length()];
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                    ByteBuffer buf = ByteBuffer.wrap(data);
                    while (buf.hasRemaining()) {
                        if (ch.read(buf, q.offset() + buf.position()) < 0) {
                            throw new IOException(file + " ended early");
                        }
                    }
                }
                served.addAndGet(data.length);
                from.send(new PeerMessage.RangeReply(q.requestId(), q.offset(), data, PeerRanges.sha256(data)));
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "range of " + q.model().fileName() + " for " + from.info().id()
                        + " refused: " + e.getMessage());
                from.send(new PeerMessage.RangeFailed(q.requestId(), String.valueOf(e.getMessage())));
            }
        });
    }

    private Optional<Path> find(ModelRef model) throws IOException {
        Path file = offered.get(key(model));
        if (file == null) {
            file = source.local(model).orElse(null);
        }
        if (file == null || (model.sizeBytes() > 0 && Files.size(file) != model.sizeBytes())) {
            return Optional.empty();
        }
        return Optional.of(file);
    }

    /** Bytes served to peers so far. */
    long bytesServed() {
        return served.get();
    }

    private static String key(ModelRef model) {
        return model.fileName() + "#" + model.sizeBytes();
    }
}
