package exo.serve.http;

/**
 * The body of a streamed response. {@link #send} waits while the client is not reading
 * (the server holds a bounded amount for each connection) and returns false once the client
 * has gone or has not read for the write timeout; the work that feeds it should then stop.
 */
public interface ResponseStream {
    /** Sends one piece (an SSE event, an NDJSON line) at once; false when the client is gone. */
    boolean send(String piece);

    /** Ends the response. */
    void end();
}
