package exo.tokenizer.chat.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Takes output apart as it is generated: fed text deltas, it hands out {@link ToolCallEvent}s.
 * Text that might still turn out to be part of a marker (a half-written {@code <tool_call>}, a
 * call whose name has not come) is held back until the following text decides, so nothing
 * handed out is ever taken back; {@link #finish} hands out the rest. The events add up to
 * exactly {@link ToolCallParser#parse} of the whole output (given the same ids). One per
 * generation; not thread-safe.
 *
 * <p>Plain content with no marker in sight costs only its own length; otherwise a delta
 * re-reads the output so far (linear in its length, and tool calls are short).
 */
public final class StreamingToolCallParser {
    private final ToolCallSyntax syntax;
    private final Supplier<String> ids;
    private final BodyParser parser;
    private final StringBuilder text = new StringBuilder();
    private int contentSent;
    private int reasoningSent;
    private final List<String> callIds = new ArrayList<>();
    private final List<Integer> argumentsSent = new ArrayList<>();
    private final List<Boolean> ended = new ArrayList<>();
    private boolean finished;
    private Snapshot last = new Snapshot();

    public StreamingToolCallParser(ToolCallSyntax syntax, Supplier<String> ids) {
        this.syntax = syntax;
        this.ids = ids;
        this.parser = syntax.format().parser(syntax.tools());
    }

    /** The events that {@code delta} (the next piece of output) makes certain. */
    public List<ToolCallEvent> push(String delta) {
        if (finished) {
            throw new IllegalStateException("the output already finished");
        }
        int before = text.length();
        text.append(delta);
        if (last.plainEnd == before && before > 0 && plainText(delta)) {
            // plain content went on without a marker's first character: more of the same
            last.content.append(delta);
            last.plainEnd = text.length();
            contentSent += delta.length();
            return delta.isEmpty() ? List.of() : List.of(new ToolCallEvent.ContentDelta(delta));
        }
        return diff(syntax.snapshot(text.toString(), false));
    }

    private boolean plainText(String delta) {
        String starts = parser.markerStarts();
        for (int i = 0; i < delta.length(); i++) {
            if (starts.indexOf(delta.charAt(i)) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** The output ended: the events for everything still held back. */
    public List<ToolCallEvent> finish() {
        if (finished) {
            return List.of();
        }
        finished = true;
        return diff(syntax.snapshot(text.toString(), true));
    }

    /** The parse of everything so far; after {@link #finish}, the whole output's. */
    public ParsedMessage message() {
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < last.calls.size(); i++) {
            Snapshot.Call c = last.calls.get(i);
            calls.add(new ToolCall(callIds.get(i), c.name, c.arguments, c.complete));
        }
        return new ParsedMessage(last.content.toString(), last.reasoning.toString(), calls);
    }

    private List<ToolCallEvent> diff(Snapshot now) {
        List<ToolCallEvent> events = new ArrayList<>();
        contentSent = grow(now.content, contentSent, "content", events, true);
        reasoningSent = grow(now.reasoning, reasoningSent, "reasoning", events, false);
        if (now.calls.size() < last.calls.size()) {
            throw new IllegalStateException("a tool call was taken back (parser bug)");
        }
        for (int i = 0; i < now.calls.size(); i++) {
            Snapshot.Call c = now.calls.get(i);
            if (i >= callIds.size()) {
                String id = c.id != null ? c.id : ids.get();
                callIds.add(id);
                argumentsSent.add(0);
                ended.add(false);
                events.add(new ToolCallEvent.ToolCallStart(i, id, c.name));
            } else {
                Snapshot.Call before = last.calls.get(i);
                if (!c.name.equals(before.name) || (before.id != null && !before.id.equals(c.id))) {
                    throw new IllegalStateException("tool call " + i + " changed its name or id (parser bug)");
                }
            }
            int sent = argumentsSent.get(i);
            if (i < last.calls.size() && !c.arguments.startsWith(last.calls.get(i).arguments)) {
                throw new IllegalStateException("tool call " + i + "'s arguments were rewritten (parser bug)");
            }
            if (c.arguments.length() > sent) {
                events.add(new ToolCallEvent.ToolCallArguments(i, c.arguments.substring(sent)));
                argumentsSent.set(i, c.arguments.length());
            }
            if (c.closed && !ended.get(i)) {
                ended.set(i, true);
                events.add(new ToolCallEvent.ToolCallEnd(i, c.complete));
            } else if (!c.closed && ended.get(i)) {
                throw new IllegalStateException("tool call " + i + " reopened (parser bug)");
            }
        }
        last = now;
        return events;
    }

    private int grow(StringBuilder now, int sent, String what, List<ToolCallEvent> events, boolean content) {
        StringBuilder before = content ? last.content : last.reasoning;
        if (now.length() < sent || !now.substring(0, sent).contentEquals(before.subSequence(0, sent))) {
            throw new IllegalStateException("the " + what + " already sent changed (parser bug)");
        }
        if (now.length() > sent) {
            String delta = now.substring(sent);
            events.add(content ? new ToolCallEvent.ContentDelta(delta) : new ToolCallEvent.ReasoningDelta(delta));
        }
        return now.length();
    }
}
