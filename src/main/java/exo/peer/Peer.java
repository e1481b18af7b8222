package exo.peer;

import exo.topology.NodeInfo;
import java.util.concurrent.CompletableFuture;

/**
 * The other end of a connection whose handshake has completed: one per remote node. Each
 * send returns a future that completes once the message is written to the socket, or fails
 * with a {@link PeerException} when the connection is gone. Sends may be called from any
 * thread; messages sent from one thread arrive in the order they were sent.
 */
public interface Peer {

    /** The node as it introduced itself in its Hello. */
    NodeInfo info();

    boolean isActive();

    /**
     * Sends {@code message} (any but the handshake's Hello and HelloProof, which the connection
     * sends itself).
     */
    CompletableFuture<Void> send(PeerMessage message);

    /** Closes the connection; the listener hears {@code onDisconnected} once it is closed. */
    CompletableFuture<Void> close();
}
