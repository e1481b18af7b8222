package exo.serve;

import com.fasterxml.jackson.databind.JsonNode;

/** Server-sent events as the APIs stream them: a bare data line (OpenAI), or a named event (Anthropic's kind). */
final class Sse {
    static final String CONTENT_TYPE = "text/event-stream; charset=utf-8";

    private Sse() {
    }

    static String data(JsonNode json) {
        return "data: " + json + "\n\n";
    }

    static String data(String text) {
        return "data: " + text + "\n\n";
    }

    /** An event with a type: "event: TYPE" then its data. */
    static String event(String type, JsonNode json) {
        return "event: " + type + "\ndata: " + json + "\n\n";
    }
}
