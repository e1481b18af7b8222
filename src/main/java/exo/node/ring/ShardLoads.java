package exo.node.ring;

import exo.peer.Peer;
import exo.peer.PeerMessage;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The load requests this tail has sent and not yet seen answered: each completes on
 * ShardReady, fails on ShardFailed or when its node is lost, and reports ShardProgress.
 */
public final class ShardLoads {
    private record Pending(String nodeId, CompletableFuture<Void> done, Consumer<PeerMessage.ShardProgress> progress) {
    }

    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

    /** Sends {@code request} (with a fresh id) to {@code peer}; the future completes when it is loaded. */
    public CompletableFuture<Void> send(Peer peer, java.util.function.LongFunction<PeerMessage.LoadShard> request,
                                        Consumer<PeerMessage.ShardProgress> progress) {
        long id = nextId.getAndIncrement();
        Pending p = new Pending(peer.info().id(), new CompletableFuture<>(), progress);
        pending.put(id, p);
        peer.send(request.apply(id)).whenComplete((ok, e) -> {
            if (e != null) {
                fail(id, "could not send the load request: " + e.getMessage());
            }
        });
        return p.done();
    }

    public void ready(PeerMessage.ShardReady m) {
        Pending p = pending.remove(m.requestId());
        if (p != null) {
            p.done().complete(null);
        }
    }

    public void failed(PeerMessage.ShardFailed m) {
        fail(m.requestId(), m.reason());
    }

    public void progress(PeerMessage.ShardProgress m) {
        Pending p = pending.get(m.requestId());
        if (p != null) {
            p.progress().accept(m);
        }
    }

    public void peerLost(String nodeId, String reason) {
        pending.forEach((id, p) -> {
            if (p.nodeId().equals(nodeId)) {
                fail(id, "node lost (" + reason + ")");
            }
        });
    }

    private void fail(long id, String reason) {
        Pending p = pending.remove(id);
        if (p != null) {
            p.done().completeExceptionally(new RingException(reason));
        }
    }
}
