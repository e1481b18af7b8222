package exo.serve;

/**
 * A request the server refuses, with the HTTP status and OpenAI's error fields:
 * {@code {"error": {"message", "type", "param", "code"}}}.
 */
public final class ApiError extends RuntimeException {
    final int status;
    final String type;
    final String param;
    final String code;

    ApiError(int status, String type, String param, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    public static ApiError badRequest(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, null, message);
    }

    public static ApiError notFound(String param, String code, String message) {
        return new ApiError(404, "invalid_request_error", param, code, message);
    }

    /** 503: try again shortly (a model is loading, or busy with other requests). */
    public static ApiError unavailable(String message) {
        return new ApiError(503, "server_error", null, "model_loading", message);
    }
}
