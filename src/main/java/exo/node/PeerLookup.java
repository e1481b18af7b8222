package exo.node;

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
}
