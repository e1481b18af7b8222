package exo.tokenizer.chat.tools;

import java.util.ArrayList;
import java.util.List;

/**
 * The parse of the output so far. Parsers only ever write what later text cannot change:
 * anything that might still turn out to be markup is left out, so a later snapshot extends an
 * earlier one (content, reasoning and each call's arguments grow; calls are only added and
 * closed). {@link StreamingToolCallParser} turns the growth into events.
 */
final class Snapshot {
    final StringBuilder content = new StringBuilder();
    final StringBuilder reasoning = new StringBuilder();
    final List<Call> calls = new ArrayList<>();

    /** A call as far as it is known: name and id (null when the syntax carries none) are final. */
    static final class Call {
        final String id;
        final String name;
        final String arguments;
        final boolean closed;
        final boolean complete;

        Call(String id, String name, String arguments, boolean closed, boolean complete) {
            this.id = id;
            this.name = name;
            this.arguments = arguments;
            this.closed = closed;
            this.complete = complete;
        }
    }

    /**
     * Where the text was plain content up to, when the parse ended in content that only a
     * marker can end ({@link BodyParser#markerStarts}); -1 otherwise. Lets the streaming parser
     * take more such text without reading everything again.
     */
    int plainEnd = -1;

    /** Content that runs to {@code to}, the end of what is certain, in plain mode. */
    void plain(String text, int from, int to) {
        content(text, from, to);
        // an empty run may yet start later (whitespace before it is skipped), so it is not plain yet
        plainEnd = to > from ? to : -1;
    }

    void content(String text, int from, int to) {
        if (to > from) {
            content.append(text, from, to);
        }
    }

    void call(String id, String name, String arguments, boolean closed, boolean complete) {
        calls.add(new Call(id, name, arguments, closed, complete));
    }
}
