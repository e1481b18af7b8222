package exo.node;

import exo.peer.Peer;
import exo.peer.PeerMessage;
import java.util.concurrent.ExecutorService;

/** Answers load requests: loads the shard off the I/O thread, then says ready or why not. */
final class ShardLoader {
    private static final System.Logger LOG = System.getLogger("exo.node");

    private final ShardHost shards;
    private final ExecutorService executor;

    ShardLoader(ShardHost shards, ExecutorService executor) {
        this.shards = shards;
        this.executor = executor;
    }

    void load(Peer from, PeerMessage.LoadShard m) {
        executor.execute(() -> {
            var s = m.shard();
            try {
                shards.load(m.model(), s, m.contextLength(), new ProgressToTail(from, m.requestId()));
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
