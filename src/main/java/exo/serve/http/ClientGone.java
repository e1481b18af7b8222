package exo.serve.http;

/**
 * Thrown by work that stops because its client closed the connection (while queued, say):
 * nothing is answered, and the request is logged with status 499.
 */
public final class ClientGone extends RuntimeException {
    public ClientGone() {
        super("the client closed the connection", null, false, false);
    }
}
