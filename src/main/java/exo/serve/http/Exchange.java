package exo.serve.http;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a handler answers through: one whole response (JSON or bytes), or a stream of pieces
 * (server-sent events, NDJSON lines) that goes out with backpressure. It says when the client
 * has gone ({@link ClientPresence}), so that work for it stops. Exactly one response per
 * request; the transport writes errors the handler throws ({@link HttpError}) in the route's shape.
 */
public interface Exchange extends ClientPresence {
    Request request();

    /** Adds a header to the response (before it is sent). */
    void header(String name, String value);

    /** Sends {@code body} as the whole response. */
    void json(int status, JsonNode body);

    /** Sends {@code body} as the whole response. */
    void bytes(int status, String contentType, byte[] body);

    /** Sends the status and headers of a response whose body follows in pieces. */
    ResponseStream stream(int status, String contentType);

    /** Whether the status has been sent (so a failure can no longer be told by status). */
    boolean started();

    /**
     * The status the log and metrics record when it differs from the one sent: a stream that
     * failed after its 200 and said so in its last event.
     */
    void outcome(int status);
}
