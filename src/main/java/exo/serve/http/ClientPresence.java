package exo.serve.http;

/** Whether a request's client is still there, and a way to hear at once when it leaves. */
public interface ClientPresence {
    /** True once the client closed the connection before its answer was complete. */
    boolean gone();

    /**
     * Runs {@code listener} when the client leaves (at once if it has). The listener runs on an
     * I/O thread: it must only signal. Closing the returned handle removes it.
     */
    AutoCloseable onGone(Runnable listener);
}
