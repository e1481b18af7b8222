package exo.node.ring;

/** A node no longer holds the session (it freed it after an idle period, or restarted): it can be replayed. */
public final class SessionForgotten extends RingException {
    public SessionForgotten(String message) {
        super(message);
    }
}
