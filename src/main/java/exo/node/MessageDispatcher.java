package exo.node;

import exo.node.ring.RingEngine;
import exo.node.ring.ShardLoads;
import exo.peer.Peer;
import exo.peer.PeerListener;
import exo.peer.PeerMessage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Routes each message from a peer to the part of the node that owns it: load requests to the
 * loader, sessions of other tails to the router, the hidden state of this tail's own sessions
 * to its ring, load answers to the pending loads. It runs on I/O threads, so it only hands
 * work on; nothing here computes.
 */
final class MessageDispatcher implements PeerListener {
    private static final System.Logger LOG = System.getLogger("exo.node");

    private final ShardLoader loader;
    private final FileServer files;
    private final PeerRanges ranges;
    private final SessionRouter router;
    private final ShardLoads loads;
    private final AtomicReference<RingEngine> tail;
    private final java.util.function.LongFunction<PeerMessage.Status> status;

    MessageDispatcher(ShardLoader loader, FileServer files, PeerRanges ranges, SessionRouter router, ShardLoads loads,
                      AtomicReference<RingEngine> tail, java.util.function.LongFunction<PeerMessage.Status> status) {
        this.loader = loader;
        this.files = files;
        this.ranges = ranges;
        this.router = router;
        this.loads = loads;
        this.tail = tail;
        this.status = status;
    }

    @Override
    public void onConnected(Peer peer) {
        LOG.log(System.Logger.Level.INFO, "peer " + peer.info().name() + " (" + peer.info().id() + ") connected from "
                + peer.info().address());
    }

    @Override
    public void onMessage(Peer peer, PeerMessage message) {
        RingEngine ring = tail.get();
        switch (message) {
            case PeerMessage.LoadShard m -> loader.load(peer, m);
            case PeerMessage.RangeRequest m -> files.serve(peer, m);
            case PeerMessage.RangeReply m -> ranges.reply(m);
            case PeerMessage.RangeFailed m -> ranges.failed(peer, m);
            case PeerMessage.SessionStart m -> router.start(peer, m);
            case PeerMessage.Forward m -> {
                if (ring != null && ring.owns(m.sessionId()) && !router.knows(m.sessionId())) {
                    ring.deliver(m);
                } else {
                    router.forward(peer, m);
                }
            }
            case PeerMessage.Release m -> router.release(m.sessionId(), "released by the tail");
            case PeerMessage.ShardReady m -> loads.ready(m);
            case PeerMessage.ShardFailed m -> loads.failed(m);
            case PeerMessage.ShardProgress m -> loads.progress(m);
            case PeerMessage.Error m -> {
                if (ring != null) {
                    ring.error(peer, m);
                }
                LOG.log(System.Logger.Level.WARNING, "error from " + peer.info().name() + ": " + m.code() + ": "
                        + m.message());
            }
            case PeerMessage.StatusRequest m -> peer.send(status.apply(m.requestId()));
            case PeerMessage.Status m -> {
                // Only a survey asks; a node sends no status requests.
            }
            case PeerMessage.Heartbeat m -> {
                // Liveness is the connection's business.
            }
            case PeerMessage.Hello m -> {
                // The handshake is over before messages reach here.
            }
            case PeerMessage.HelloProof m -> {
            }
        }
    }

    @Override
    public void onDisconnected(Peer peer, String reason) {
        String id = peer.info().id();
        LOG.log(System.Logger.Level.INFO, "peer " + peer.info().name() + " (" + id + ") disconnected: " + reason);
        router.peerLost(id, reason);
        loads.peerLost(id, reason);
        RingEngine ring = tail.get();
        if (ring != null) {
            ring.peerLost(id, peer.info().name(), reason);
        }
    }
}
