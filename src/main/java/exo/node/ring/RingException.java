package exo.node.ring;

/** The ring cannot serve a session: a node was lost, refused or failed. The message names it. */
public class RingException extends RuntimeException {
    public RingException(String message) {
        super(message);
    }
}
