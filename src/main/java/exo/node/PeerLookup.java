package exo.node;

import exo.discovery.PeerAddress;
import exo.discovery.manual.StaticPeers;
import exo.peer.Peer;
import exo.peer.PeerNetwork;
import java.util.Optional;

/**
 * Finds a connected peer by node id. The network needs its listener when it starts, and the
 * listener's parts need the network to send onward; this breaks the cycle: parts are built
 * with the lookup, and the lookup is bound to the network once it is up.
 */
final class PeerLookup {
    private volatile PeerNetwork network;

    void bind(PeerNetwork network) {
        this.network = network;
    }

    Optional<Peer> peer(String nodeId) {
        PeerNetwork n = network;
        return n == null ? Optional.empty() : n.peer(nodeId);
    }

    /**
     * The peer {@code nodeId}, dialing {@code address} ("host:port") when it is not connected
     * yet: nodes of a ring need not have met before the tail put them next to each other.
     */
    Peer peerOrDial(String nodeId, String address, long timeoutMillis) {
        Optional<Peer> known = peer(nodeId);
        if (known.isPresent()) {
            return known.get();
        }
        if (address.isEmpty() || network == null) {
            throw new IllegalStateException("node " + nodeId + " (next in the ring) is not connected");
        }
        PeerAddress hp = StaticPeers.parse(address);
        try {
            Peer p = network.connect(hp.host(), hp.port()).get(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (!p.info().id().equals(nodeId)) {
                throw new IllegalStateException(address + " is node " + p.info().id() + ", not " + nodeId);
            }
            return p;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot reach node " + nodeId + " at " + address + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : "timed out"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dialing node " + nodeId);
        }
    }
}
