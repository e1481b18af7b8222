package exo.node;

import exo.peer.PeerNetwork;
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
    private final List<NodeConfig.HostPort> peers;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("exo-dialer").daemon().factory());

    PeerDialer(PeerNetwork network, List<String> peers) {
        this.network = network;
        this.peers = peers.stream().map(NodeConfig.HostPort::parse).toList();
    }

    void start() {
        if (!peers.isEmpty()) {
            timer.scheduleWithFixedDelay(this::dialMissing, 0, RETRY_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Dials every static peer once and waits up to {@code millis} for the handshakes. */
    void dialNow(long millis) {
        var futures = peers.stream().map(p -> network.connect(p.host(), p.port())).toList();
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
        for (NodeConfig.HostPort p : peers) {
            network.connect(p.host(), p.port()).whenComplete((peer, e) -> {
                if (e != null) {
                    LOG.log(System.Logger.Level.DEBUG, "peer " + p.host() + ":" + p.port() + " not reachable: "
                            + e.getMessage());
                }
            });
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
