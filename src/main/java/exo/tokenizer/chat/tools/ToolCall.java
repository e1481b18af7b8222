package exo.tokenizer.chat.tools;

import java.util.Objects;

/**
 * One call a model asked for: its id (the family's own, such as Kimi K2's
 * {@code functions.get_weather:0}, or one made up like {@code call_...}), the function's name,
 * and the arguments as JSON text (what OpenAI's {@code function.arguments} carries). When the
 * output stopped inside a call the arguments may be cut short; {@link #complete} says so.
 */
public record ToolCall(String id, String name, String arguments, boolean complete) {
    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }
}
