package exo.serve;

import com.fasterxml.jackson.databind.JsonNode;

/** Checks of a request body that the Anthropic, Responses, chat-completions and Ollama routes make alike. */
final class RequestFields {
    private RequestFields() {
    }

    static void requireObject(JsonNode body) {
        if (!body.isObject()) {
            throw ApiError.badRequest(null, "the request body must be a JSON object");
        }
    }

    /** The model the request names, null when it names none; a model that is not a string is refused. */
    static String modelName(JsonNode body) {
        JsonNode m = body.path("model");
        if (m.isMissingNode() || m.isNull()) {
            return null;
        }
        if (!m.isTextual()) {
            throw ApiError.badRequest("model", "model must be a string");
        }
        return m.asText();
    }

    /**
     * {@code field} as a number from {@code min} to {@code max} ({@code Float.MIN_VALUE}: above
     * 0), {@code fallback} when it is absent or null; anything else refused as Anthropic and the
     * Responses API word it.
     */
    static float number(JsonNode body, String field, float fallback, float min, float max) {
        JsonNode n = body.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return fallback;
        }
        if (!n.isNumber() || n.asDouble() < min || n.asDouble() > max) {
            throw ApiError.badRequest(field, field + " must be a number from " + (min == Float.MIN_VALUE ? "above 0"
                    : String.valueOf((long) min)) + " to " + (long) max);
        }
        return (float) n.asDouble();
    }
}
