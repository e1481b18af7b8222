package exo.tokenizer.chat.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Takes a whole output apart into content, reasoning and tool calls. Calls whose syntax carries
 * no id get one from {@code ids}, in order. For output as it arrives use
 * {@link StreamingToolCallParser}: its events add up to exactly this parse.
 */
public final class ToolCallParser {
    private ToolCallParser() {
    }

    public static ParsedMessage parse(ToolCallSyntax syntax, String output, Supplier<String> ids) {
        Snapshot s = syntax.snapshot(output, true);
        List<ToolCall> calls = new ArrayList<>();
        for (Snapshot.Call c : s.calls) {
            calls.add(new ToolCall(c.id != null ? c.id : ids.get(), c.name, c.arguments, c.complete));
        }
        return new ParsedMessage(s.content.toString(), s.reasoning.toString(), calls);
    }

    public static ParsedMessage parse(ToolCallSyntax syntax, String output) {
        return parse(syntax, output, ToolCallIds.random());
    }
}
