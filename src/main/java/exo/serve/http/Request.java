package exo.serve.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP request as a handler sees it, whole: method, path (decoded) and query, headers,
 * the body read to its end, and the values of the route's path parameters.
 */
public final class Request {
    private final String method;
    private final String target;
    private final String path;
    private final Map<String, List<String>> query;
    private final TreeMap<String, List<String>> headers;
    private byte[] body;
    private java.util.concurrent.Semaphore bigParses;
    private final InetSocketAddress remote;
    private final long receivedNanos;
    private Map<String, String> pathParams = Map.of();
    private JsonNode json;

    /**
     * @param target        the request target as sent (still percent-encoded)
     * @param receivedNanos {@link System#nanoTime()} when the request had arrived whole
     */
    public Request(String method, String target, String path, Map<String, List<String>> query,
                   Map<String, List<String>> headers, byte[] body, InetSocketAddress remote, long receivedNanos) {
        this.method = method;
        this.target = target;
        this.path = path;
        this.query = Map.copyOf(query);
        this.headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        this.headers.putAll(headers);
        this.body = body;
        this.remote = remote;
        this.receivedNanos = receivedNanos;
    }

    public String method() {
        return method;
    }

    /** The request target as the client sent it (percent-encoded). */
    public String target() {
        return target;
    }

    /** The path, percent-decoded. */
    public String path() {
        return path;
    }

    /** The first value of query parameter {@code name}, or null. */
    public String query(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    /** The first value of header {@code name} (any case), or null. */
    public String header(String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    /** The body's bytes, until {@link #json()} has parsed them (a large body is not held twice). */
    public synchronized byte[] body() {
        if (body == null) {
            throw new IllegalStateException("the body was parsed as JSON; its bytes are gone");
        }
        return body;
    }

    /**
     * The body as one strict JSON value ({@link StrictJson}), parsed once; 400 when it is not.
     * Bodies over a mebibyte are parsed a few at a time (parsing takes about three times their
     * size while it runs), so many large requests at once cannot add up past the heap.
     */
    public synchronized JsonNode json() {
        if (json != null) {
            return json;
        }
        boolean big = body.length > BIG_BODY && bigParses != null;
        if (big) {
            bigParses.acquireUninterruptibly();
        }
        try {
            json = StrictJson.parse(body);
            body = null;
            return json;
        } finally {
            if (big) {
                bigParses.release();
            }
        }
    }

    /** A body this large is parsed only while a permit of the server's is held. */
    static final int BIG_BODY = 1 << 20;

    void bigParses(java.util.concurrent.Semaphore permits) {
        this.bigParses = permits;
    }

    /** The value of the route's path parameter {@code name} ("/v1/models/{id}"), or null. */
    public String pathParam(String name) {
        return pathParams.get(name);
    }

    void pathParams(Map<String, String> params) {
        this.pathParams = Map.copyOf(params);
    }

    public InetSocketAddress remote() {
        return remote;
    }

    public long receivedNanos() {
        return receivedNanos;
    }
}
