package exo.tokenizer.chat.tools;

import java.util.List;
import java.util.Objects;

/**
 * A model's output taken apart: the text for the user, the reasoning (what the family writes
 * between its think tags; empty if none) and the tool calls, in order.
 */
public record ParsedMessage(String content, String reasoning, List<ToolCall> toolCalls) {
    public ParsedMessage {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(reasoning, "reasoning");
        toolCalls = List.copyOf(toolCalls);
    }
}
