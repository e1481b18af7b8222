package exo.node;

import exo.peer.Peer;
import exo.peer.PeerMessage;
import java.util.concurrent.ExecutorService;

/**
 * Answers load requests: loads the shard off the I/O thread (from a file here, from the asking
 * node's copy, or from the hub), then says ready or why not.
 */
final class ShardLoader {
    private static final System.Logger LOG = System.getLogger("exo.node");

    private final ShardHost shards;
    private final ExecutorService executor;
    private final PeerRanges ranges;

    ShardLoader(ShardHost shards, ExecutorService executor, PeerRanges ranges) {
        this.shards = shards;
        this.executor = executor;
        this.ranges = ranges;
    }

    void load(Peer from, PeerMessage.LoadShard m) {
        executor.execute(() -> {
            var s = m.shard();
            try {
                // The node asking for the slice may hold the file (the tail's --model-file): ask it first.
                shards.load(m.model(), s, m.contextLength(), java.util.Optional.of(ranges.from(from, m.model())),
                        new ProgressToTail(from, m.requestId()));
                LOG.log(System.Logger.Level.INFO, "loaded " + m.model().id() + " layers [" + s.start() + ", " + s.end()
                        + ") of " + s.layers() + " for " + from.info().name());
                from.sendShardReady(new PeerMessage.ShardReady(m.requestId(), m.model().id(), s.start(), s.end()));
            } catch (Exception e) {
                String reason = e.getMessage() == null ? e.toString() : e.getMessage();
                LOG.log(System.Logger.Level.WARNING, "cannot load " + m.model().id() + " layers [" + s.start() + ", "
                        + s.end() + "): " + reason);
                from.sendShardFailed(new PeerMessage.ShardFailed(m.requestId(), reason));
            }
        });
    }
}
