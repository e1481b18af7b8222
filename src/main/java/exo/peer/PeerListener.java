package exo.peer;

/**
 * Hears what the peers of a {@link PeerNetwork} do. Calls come from the network's I/O
 * threads: the calls for one peer come one at a time and in the order its messages were
 * sent, so a listener must return quickly and hand long work (a forward pass) to its own
 * threads, or it stalls that peer's connection and every other connection on the thread.
 */
public interface PeerListener {

    /** {@code peer} completed its handshake. */
    default void onConnected(Peer peer) {
    }

    /** A message other than the handshake's, heartbeats included. */
    void onMessage(Peer peer, PeerMessage message);

    /** The connection to {@code peer} is closed; {@code reason} says why, for the log. */
    default void onDisconnected(Peer peer, String reason) {
    }
}
