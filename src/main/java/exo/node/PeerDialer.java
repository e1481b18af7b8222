package exo.node;

import exo.discovery.PeerAddress;
import exo.peer.Peer;
import exo.peer.PeerNetwork;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps this node connected to its static peers: dials each one now and again every few
 * seconds while it is not connected, so nodes may start in any order and a restarted peer is
 * found again.
 */
final class PeerDialer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("exo.node");
    static final long RETRY_SECONDS = 3;

    private final PeerNetwork network;
    private final List<PeerAddress> peers;
    /** The last dial of each address: a dial still in flight is joined, never repeated. */
    private final java.util.Map<PeerAddress, CompletableFuture<Peer>> dials = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("exo-dialer").daemon().factory());

    PeerDialer(PeerNetwork network, List<PeerAddress> peers) {
        this.network = network;
        this.peers = List.copyOf(peers);
    }

    void start() {
        if (!peers.isEmpty()) {
            timer.scheduleWithFixedDelay(this::dialMissing, 0, RETRY_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Dials every static peer not yet connected and waits up to {@code millis} for the handshakes. */
    void dialNow(long millis) {
        var futures = peers.stream().map(this::dial).toList();
        long deadline = System.currentTimeMillis() + millis;
        for (var f : futures) {
            try {
                f.get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // reported by dialMissing's log; the caller plans with whoever answered
            }
        }
    }

    private void dialMissing() {
        for (PeerAddress p : peers) {
            dial(p).whenComplete((peer, e) -> {
                if (e != null) {
                    LOG.log(System.Logger.Level.DEBUG, "peer " + p.host() + ":" + p.port() + " not reachable: "
                            + e.getMessage());
                }
            });
        }
    }

    /**
     * The connection to {@code p}: the dial in flight or the live peer it gave, else a new dial.
     * Two dials of one address at once would open two connections to one node, and the peer
     * layer closes one of them, possibly under a message being sent.
     */
    private CompletableFuture<Peer> dial(PeerAddress p) {
        return dials.compute(p, (address, last) -> {
            if (last != null && (!last.isDone() || (!last.isCompletedExceptionally() && last.join().isActive()))) {
                return last;
            }
            return network.connect(p.host(), p.port());
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
