package exo.serve;

import exo.serve.http.HttpError;
import java.util.Map;

/**
 * A request the API refuses, with the HTTP status and OpenAI's error fields:
 * {@code {"error": {"message", "type", "param", "code"}}} (each route family renders it in its
 * own shape).
 */
public final class ApiError extends HttpError {

    ApiError(int status, String type, String param, String code, String message) {
        super(status, type, param, code, message);
    }

    private ApiError(int status, String type, String param, String code, String message, Map<String, String> headers) {
        super(status, type, param, code, message, headers);
    }

    public static ApiError badRequest(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, null, message);
    }

    public static ApiError notFound(String param, String code, String message) {
        return new ApiError(404, "invalid_request_error", param, code, message);
    }

    /** 503: try again shortly (a model is loading, or busy with other requests). */
    public static ApiError unavailable(String message) {
        return new ApiError(503, "server_error", null, "model_loading", message, Map.of("Retry-After", "1"));
    }

    /** 429: every session is taken and the queue is full; {@code Retry-After} says when to come back. */
    static ApiError busy(int retryAfterSeconds) {
        return new ApiError(429, "rate_limit_exceeded", null, "queue_full", "the server is busy: every session is "
                + "taken and the queue is full; try again in " + retryAfterSeconds + " s",
                Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }

    /** 503 while the server stops: a request still waiting for its turn is not begun. */
    static ApiError stopping() {
        return new ApiError(503, "server_error", null, "server_stopping", "the server is stopping");
    }

    /** 400: the prompt and at least one answer token do not fit the context. */
    static ApiError contextExceeded(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, "context_length_exceeded", message);
    }
}
