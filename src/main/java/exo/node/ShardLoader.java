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
    /** For a node without a cluster key, which repository files it may fetch; null when any is allowed. */
    private final java.util.function.Predicate<exo.peer.ModelRef> openNodeMayFetch;

    /**
     * @param openNodeMayFetch for a node anyone may reach (no cluster key): the hub files it will
     *                         fetch for a peer (those its models.yaml names); null for a keyed node
     */
    ShardLoader(ShardHost shards, ExecutorService executor, PeerRanges ranges,
                java.util.function.Predicate<exo.peer.ModelRef> openNodeMayFetch) {
        this.shards = shards;
        this.executor = executor;
        this.ranges = ranges;
        this.openNodeMayFetch = openNodeMayFetch;
    }

    void load(Peer from, PeerMessage.LoadShard m) {
        if (openNodeMayFetch != null && m.model().repo().isPresent() && !openNodeMayFetch.test(m.model())) {
            String reason = "this node has no cluster key, so it fetches only models its models.yaml names, not "
                    + m.model().repo().get() + "/" + m.model().fileName();
            LOG.log(System.Logger.Level.WARNING, "refused a load from " + from.info().name() + ": " + reason);
            from.send(new PeerMessage.ShardFailed(m.requestId(), reason));
            return;
        }
        executor.execute(() -> {
            var s = m.shard();
            try {
                // The node asking for the slice may hold the file (the tail's --model-file): ask it first.
                shards.load(m.model(), s, m.contextLength(), java.util.Optional.of(ranges.from(from, m.model())),
                        new ProgressToTail(from, m.requestId()));
                LOG.log(System.Logger.Level.INFO, "loaded " + m.model().id() + " layers [" + s.start() + ", " + s.end()
                        + ") of " + s.layers() + " for " + from.info().name());
                from.send(new PeerMessage.ShardReady(m.requestId(), m.model().id(), s.start(), s.end()));
            } catch (Exception e) {
                String reason = e.getMessage() == null ? e.toString() : e.getMessage();
                LOG.log(System.Logger.Level.WARNING, "cannot load " + m.model().id() + " layers [" + s.start() + ", "
                        + s.end() + "): " + reason);
                from.send(new PeerMessage.ShardFailed(m.requestId(), reason));
            }
        });
    }
}
