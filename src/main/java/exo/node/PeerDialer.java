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

    /**
     * Dials every static peer not yet connected and waits up to {@code millis} for the
     * handshakes; returns, for each that did not answer, "HOST:PORT: why" (refused, timed out,
     * a different cluster key), so a person who named peers hears what became of them.
     */
    List<String> dialNow(long millis) {
        var futures = peers.stream().map(this::dial).toList();
        long deadline = System.currentTimeMillis() + millis;
        List<String> failed = new java.util.ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            PeerAddress p = peers.get(i);
            try {
                futures.get(i).get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                failed.add(p.host() + ":" + p.port() + ": no answer within " + millis + " ms");
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                failed.add(p.host() + ":" + p.port() + ": " + cause.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return failed;
            }
        }
        return failed;
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
