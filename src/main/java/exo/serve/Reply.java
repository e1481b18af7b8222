package exo.serve;

import exo.tokenizer.chat.tools.ParsedMessage;
import exo.tokenizer.chat.tools.StreamingToolCallParser;
import exo.tokenizer.chat.tools.ToolCallEvent;
import exo.tokenizer.chat.tools.ToolCallIds;
import exo.tokenizer.chat.tools.ToolCallSyntax;
import java.util.List;

/**
 * One answer read as it is generated: in the family's chat syntax (content, reasoning, tool
 * calls, as {@link ToolCallEvent}s), or as raw text (all of it content) when there is no syntax
 * to read it in. Text that may still turn into a marker is held back until it is decided.
 */
final class Reply {
    private final StreamingToolCallParser parser;
    private final StringBuilder raw = new StringBuilder();

    /** @param syntax how to read the output, or null for raw text */
    Reply(ToolCallSyntax syntax) {
        this.parser = syntax == null ? null : new StreamingToolCallParser(syntax, ToolCallIds.random());
    }

    /** The events the next piece of output makes certain. */
    List<ToolCallEvent> push(String text) {
        if (parser != null) {
            return parser.push(text);
        }
        raw.append(text);
        return text.isEmpty() ? List.of() : List.of(new ToolCallEvent.ContentDelta(text));
    }

    /** The output ended: the events for whatever was held back. */
    List<ToolCallEvent> finish() {
        return parser == null ? List.of() : parser.finish();
    }

    /** The answer taken apart; whole once {@link #finish} has run. */
    ParsedMessage message() {
        return parser == null ? new ParsedMessage(raw.toString(), "", List.of()) : parser.message();
    }
}
