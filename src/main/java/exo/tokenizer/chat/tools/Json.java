package exo.tokenizer.chat.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Writing JSON text for arguments the markup does not give as JSON. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** {@code s} as a JSON string literal. */
    static String quote(String s) {
        try {
            return MAPPER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JSON string literal for {@code s} without its closing quote, for text that is still growing. */
    static String quoteOpen(String s) {
        String q = quote(s);
        return q.substring(0, q.length() - 1);
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code text} if it is one whole JSON value (compacted), else null. */
    static String valueOrNull(String text) {
        JsonScan.Result r = JsonScan.value(text, 0, true);
        if (text.isEmpty() || r.status() != JsonScan.Status.COMPLETE || r.end() != text.length()) {
            return null;
        }
        try {
            return write(MAPPER.readTree(text));
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
