package exo.node.ring;

/** Peers were required and none answered: the cluster is not as the person expected it. */
public final class NoPeersException extends RingException {
    public NoPeersException(String message) {
        super(message);
    }
}
