package exo.tokenizer.chat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A function call an assistant message made, as OpenAI's API writes it
 * ({@code {"id", "type": "function", "function": {"name", "arguments"}}}).
 *
 * @param id        the call's id, which the tool message answering it names; may be null
 * @param name      the function's name
 * @param arguments a JSON object as a Map (String keys, plain Java values), or the arguments' JSON text
 *                  as a String; templates tell the two apart ({@code arguments is string})
 */
public record ToolCall(String id, String name, Object arguments) {
    public ToolCall {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a tool call needs a function name");
        }
        if (arguments == null) {
            arguments = Map.of();
        }
        if (!(arguments instanceof String) && !(arguments instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("tool call arguments must be a JSON object or its text");
        }
        if (arguments instanceof Map<?, ?> m) {
            arguments = JsonValues.copyOf(m);
        }
    }

    /** The call as the template sees it, keys in OpenAI's order. */
    Map<String, Object> toTemplateValue() {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", name);
        function.put("arguments", arguments);
        Map<String, Object> call = new LinkedHashMap<>();
        if (id != null) {
            call.put("id", id);
        }
        call.put("type", "function");
        call.put("function", function);
        return call;
    }
}
