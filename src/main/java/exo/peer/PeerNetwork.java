package exo.peer;

import exo.topology.NodeInfo;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * This node's side of the cluster's connections: it listens for peers and dials them, and
 * keeps at most one connection per remote node. When two nodes dial each other at once,
 * both keep the connection dialed by the node with the smaller id.
 */
public interface PeerNetwork extends AutoCloseable {

    /** This node as peers see it, with the port actually bound. */
    NodeInfo self();

    /** The port this node listens on. */
    int port();

    /**
     * Dials {@code host:port}; completes with the peer once the handshake has completed (with
     * the existing peer when that node is already connected), or fails with a
     * {@link PeerException} saying why.
     */
    CompletableFuture<Peer> connect(String host, int port);

    /** The peers connected now. */
    List<Peer> peers();

    Optional<Peer> peer(String nodeId);

    /**
     * Closes every connection (the listener hears each go) and stops the I/O threads; waits
     * for them, so it must not be called from a listener callback, which runs on those threads.
     */
    @Override
    void close();
}
