package exo.serve.http;

import java.time.Duration;

/**
 * What one HTTP server puts up with from its clients.
 *
 * @param headerTimeout      from a request's first byte to the end of its headers (slowloris)
 * @param bodyTimeout        from the end of the headers to the end of the body; 408 after
 * @param idleTimeout        a kept-alive connection with no request in flight is closed after it
 * @param writeTimeout       a response the client does not read for this long is cut off (its
 *                           generation cancelled); a stream the model is still computing for has
 *                           no timeout of its own
 * @param stopTimeout        on stop, how long running answers may take to finish
 * @param maxHeaderBytes     the request line and headers together; beyond it 431 (or 414 for the line)
 * @param maxBodyBytes       a larger body is refused with 413
 * @param maxBodyBytesInFlight request bodies held at once, all connections together; beyond it 503
 * @param maxConnections     open connections in all; one more is answered 503 and closed
 * @param maxConnectionsPerAddress open connections from one client address
 * @param maxWorkers         requests handled at once (each on a thread of its own); beyond it 503
 */
public record HttpLimits(Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout, Duration writeTimeout,
                         Duration stopTimeout, int maxHeaderBytes, int maxBodyBytes, long maxBodyBytesInFlight,
                         int maxConnections, int maxConnectionsPerAddress, int maxWorkers) {

    /** The largest request body by default: as large as any chat a context window holds. */
    public static final int DEFAULT_MAX_BODY_BYTES = 8 << 20;

    public HttpLimits {
        for (Duration d : new Duration[] {headerTimeout, bodyTimeout, idleTimeout, writeTimeout}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("HTTP timeouts must be positive, not " + d);
            }
        }
        if (stopTimeout.isNegative()) {
            throw new IllegalArgumentException("the stop timeout must not be negative, not " + stopTimeout);
        }
        if (maxHeaderBytes < 1024 || maxBodyBytes < 1 || maxBodyBytesInFlight < maxBodyBytes || maxConnections < 1
                || maxConnectionsPerAddress < 1 || maxWorkers < 1) {
            throw new IllegalArgumentException("inconsistent HTTP limits: " + maxHeaderBytes + " header bytes, "
                    + maxBodyBytes + " body bytes (" + maxBodyBytesInFlight + " in flight), " + maxConnections
                    + " connections (" + maxConnectionsPerAddress + " per address), " + maxWorkers + " workers");
        }
    }

    /**
     * Limits for a server that runs {@code sessions} generations with {@code queue} more waiting:
     * enough request threads for all of them and as many quick requests again.
     */
    public static HttpLimits defaults(int sessions, int queue) {
        long heap = Runtime.getRuntime().maxMemory();
        long inFlight = Math.max(DEFAULT_MAX_BODY_BYTES, Math.min(256L << 20, heap / 4));
        return new HttpLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
                Duration.ofSeconds(60), Duration.ofSeconds(30), 16 << 10, DEFAULT_MAX_BODY_BYTES, inFlight, 512, 128,
                sessions + queue + 32);
    }
}
