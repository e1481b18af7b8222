package exo.tokenizer.chat.tools;

/**
 * What a {@link StreamingToolCallParser} hands out as output arrives. Concatenating the
 * content deltas gives the whole parse's content, the reasoning deltas its reasoning, and each
 * call's argument fragments its arguments; every call has one start, then its fragments, then
 * one end.
 */
public sealed interface ToolCallEvent {
    record ContentDelta(String text) implements ToolCallEvent {
    }

    record ReasoningDelta(String text) implements ToolCallEvent {
    }

    /** Call number {@code index} (from 0) begins; its id and name are known from here. */
    record ToolCallStart(int index, String id, String name) implements ToolCallEvent {
    }

    /** More of call {@code index}'s arguments text. */
    record ToolCallArguments(int index, String fragment) implements ToolCallEvent {
    }

    /** Call {@code index} is over; {@code complete} is false when the output stopped inside it. */
    record ToolCallEnd(int index, boolean complete) implements ToolCallEvent {
    }
}
