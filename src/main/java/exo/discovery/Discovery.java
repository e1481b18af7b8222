package exo.discovery;

import exo.topology.NodeInfo;
import java.io.IOException;
import java.util.List;

/**
 * Finds the other nodes of the cluster. Two kinds of result:
 * <ul>
 *   <li>{@link #nodes()}: nodes whose id is known (mDNS adverts carry it; a static peer's id
 *       becomes known once the peer connection's handshake tells it);</li>
 *   <li>{@link #candidates()}: addresses to dial whose id is not known yet (static peers).</li>
 * </ul>
 * Static peers are kept apart as addresses to dial rather than as nodes with a missing id, so
 * that every {@link DiscoveredNode} has an id and everything keyed by node id (dedup, the peer
 * registry, {@code exo peers}) needs no special case.
 */
public interface Discovery extends AutoCloseable {

    /** Starts advertising and browsing; changes from now on go to {@code listener}. Once only. */
    void start(DiscoveryListener listener) throws IOException;

    /** The nodes seen now, one entry per node id, sorted by id. */
    List<DiscoveredNode> nodes();

    /** Addresses to dial whose node id is not known yet. */
    default List<PeerAddress> candidates() {
        return List.of();
    }

    /**
     * The peer layer reports that dialing {@code dialed} (one of {@link #candidates()}) reached
     * {@code node}, as its handshake said. Mechanisms without candidates ignore it.
     */
    default void identified(PeerAddress dialed, NodeInfo node) {
    }

    /** The peer layer reports that {@code dialed} stopped answering; it stays a candidate. */
    default void unreachable(PeerAddress dialed) {
    }

    /** Stops advertising (sending a goodbye where the mechanism has one) and browsing. */
    @Override
    void close();
}
