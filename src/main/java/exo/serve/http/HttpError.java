package exo.serve.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request refused with an HTTP status, carrying the fields every API's error shape draws on:
 * OpenAI's {@code type}, {@code param} and {@code code}, and headers the status calls for
 * ({@code Retry-After}, {@code Allow}, {@code WWW-Authenticate}). Each route family renders it
 * in its own JSON shape ({@link ErrorShape}).
 */
public class HttpError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final Map<String, String> headers;

    /**
     * @param type  OpenAI's error type ("invalid_request_error", "server_error", ...)
     * @param param the request field at fault, or null
     * @param code  a machine-readable reason ("context_length_exceeded"), or null
     */
    public HttpError(int status, String type, String param, String code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error status is 4xx or 5xx, not " + status);
        }
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    public HttpError(int status, String type, String param, String code, String message) {
        this(status, type, param, code, message, Map.of());
    }

    /** A refusal of the transport (a timeout, a size limit, a forbidden origin): no field at fault. */
    static HttpError of(int status, String code, String message) {
        return new HttpError(status, status >= 500 ? "server_error" : "invalid_request_error", null, code, message);
    }

    /** The same refusal with one more response header. */
    static HttpError withHeader(HttpError e, String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(e.headers);
        h.put(name, value);
        return new HttpError(e.status, e.type, e.param, e.code, e.getMessage(), h);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
