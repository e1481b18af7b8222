package exo.serve.http;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How one family of routes writes an error body: OpenAI's {@code {"error": {...}}}, Ollama's
 * {@code {"error": "..."}}, and whatever the next API needs. Chosen by path prefix in {@link Routes}.
 */
@FunctionalInterface
public interface ErrorShape {
    ObjectNode render(HttpError error);
}
